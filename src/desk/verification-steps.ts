/**
 * The playbook's verification steps as the desk needs them (durations in ms). "Resolved" waits until every
 * step passes; a policy without steps leaves the gate open.
 */
export type VerificationStep =
  | { name: string; check: 'monitors'; monitors: string[] }
  | { name: string; check: 'error_rate_baseline'; forMs: number; routes?: string[] }
  | { name: string; check: 'mitigations_lifted' }
  | { name: string; check: 'manual'; text: string };

export interface VerificationCheck {
  name: string;
  check: VerificationStep['check'];
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  ok: boolean;
  checks: VerificationCheck[];
}
