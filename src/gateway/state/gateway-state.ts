import type { Mitigation } from '../../domain/mitigation.js';
import type { ParsedIp } from '../../shared/net/index.js';

export interface MaintenanceStatus {
  mitigationId: string;
  /** null: use the playbook's banner. */
  banner: string | null;
  /** null: use the playbook's retry_after. */
  retryAfterMs: number | null;
}

export interface LimitOverride {
  mitigationId: string;
  limit: number;
  burst: number | null;
  windowMs: number | null;
}

/**
 * What the guards read, and how the desk changes it. Reads are synchronous and take the request's `now`
 * (epoch ms): the memory state answers from its maps, and a Redis-backed state is meant to answer from a
 * local mirror kept current by pub/sub, so no read puts a network hop on the request path. Writes are async
 * because a shared store has to acknowledge them.
 *
 * Every mitigation ends by itself at expiresAt: reads compare against `now`, nothing needs a timer.
 */
export interface GatewayState {
  /** Maintenance for the whole service ("*") or for this route name. */
  maintenance(route: string | null, now: number): MaintenanceStatus | null;
  /** The id of the mitigation switching this switch off, or null. */
  switchedOff(name: string, now: number): string | null;
  /** The id of the block covering this address (most specific CIDR), or null. */
  blockedBy(ip: ParsedIp, now: number): string | null;
  /** The id of the revocation of this token hash, or null. */
  tokenRevokedBy(tokenHash: string, now: number): string | null;
  jtiRevokedBy(jti: string, now: number): string | null;
  /** Tokens of this subject issued before the returned epoch (ms) are revoked. */
  subjectRevokedBefore(subject: string, now: number): number | null;
  /** Every token issued before the returned epoch (ms) is revoked. */
  globalRevokedBefore(now: number): number | null;
  limitOverride(limitName: string, now: number): LimitOverride | null;

  /** Validates and enforces a mitigation; throws RAMPART_VALIDATION when its target or data is malformed. */
  apply(mitigation: Mitigation): Promise<void>;
  /** Ends a mitigation early; returns it as lifted, or null when it is unknown or no longer in force. */
  lift(id: string, by: string): Promise<Mitigation | null>;
  /** Mitigations in force now. */
  list(): Promise<Mitigation[]>;
}
