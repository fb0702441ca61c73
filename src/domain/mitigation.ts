/**
 * A mitigation is what the gateway enforces on the desk's behalf. Every one is a record with who, why, for
 * which incident, and until when; it ends by itself at expiresAt.
 */
export const MITIGATION_KINDS = [
  'block', // target: IP or CIDR
  'revoke-token', // target: token hash
  'revoke-jti', // target: JWT id
  'revoke-subject', // target: JWT subject; revokes tokens issued before createdAt
  'revoke-all', // target: "*"; revokes every session issued before createdAt
  'switch-off', // target: switch name
  'maintenance', // target: "*" or a route name; data.banner
  'limit-override', // target: rate-limit name; data.limit
] as const;
export type MitigationKind = (typeof MITIGATION_KINDS)[number];

export interface Mitigation {
  id: string;
  service: string;
  kind: MitigationKind;
  target: string;
  reason: string;
  author: string;
  incidentId: string | null;
  createdAt: string;
  expiresAt: string | null;
  liftedAt: string | null;
  liftedBy: string | null;
  data: Record<string, unknown>;
}

export function isInForce(m: Mitigation, now: Date): boolean {
  if (m.liftedAt !== null) return false;
  return m.expiresAt === null || Date.parse(m.expiresAt) > now.getTime();
}

/** What people see as a mitigation's target: a revoked token's preview, never its hash. */
export function shownTarget(m: Mitigation): string {
  return typeof m.data.preview === 'string' ? m.data.preview : m.target;
}
