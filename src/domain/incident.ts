import type { IncidentStatus } from './incident-status.js';
import type { IncidentScope } from './scope.js';

export interface Incident {
  /** Public reference, e.g. "INC-12". */
  id: string;
  title: string;
  service: string;
  severity: string;
  severityRank: number;
  status: IncidentStatus;
  /** The rule or source (and its key) whose signal opened the incident. */
  fingerprint: string | null;
  /**
   * Which signals join this incident while it is open (domain/correlation-key.ts): service + this key is unique
   * among open incidents, enforced by the database. Null for an incident opened by hand without a fingerprint.
   */
  correlationKey: string | null;
  /** The playbook incident type (e.g. "brute-force"), when known. */
  type: string | null;
  commander: string | null;
  scope: IncidentScope;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
}

export const INCIDENT_REF_PREFIX = 'INC-';

export function incidentRef(seq: number): string {
  return `${INCIDENT_REF_PREFIX}${seq}`;
}

/** Accepts "INC-12", "inc-12" or "12"; returns the sequence number or undefined. */
export function parseIncidentRef(ref: string): number | undefined {
  const match = /^(?:inc-)?(\d{1,15})$/i.exec(ref.trim());
  if (!match?.[1]) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}
