/**
 * Which open incident a signal belongs to. At most one incident per service and correlation key is open at a
 * time, and the database enforces it (a partial unique index, migration 0004), so two desks that see the same
 * attack at once open one incident and the second joins it.
 *
 * - A signal that names its incident type and the key it was grouped by (an address, a /24, a token's keyed
 *   hash, a tenant …) correlates as `type:<type>:<group key>`: an access-log rule and an error-log rule that
 *   both see 203.0.113.7 doing brute force join one incident, whichever fired first. An inbound alert's group
 *   key is its sender's own key (Alertmanager's fingerprint, a webhook's `fingerprint`).
 * - Anything else (no type, or no group key: monitors, untyped rules, alerts without a type) correlates by its
 *   fingerprint, `fingerprint:<fingerprint>`, as before: the same rule or source on the same key.
 *
 * The prefixes keep the two forms apart (a type is `[a-z0-9-]+`, so its first ":" ends it).
 */
export interface CorrelationParts {
  fingerprint: string;
  type?: string | null | undefined;
  groupKey?: string | null | undefined;
}

export function correlationKey(parts: CorrelationParts): string {
  if (parts.type && parts.groupKey) return `type:${parts.type}:${parts.groupKey}`;
  return `fingerprint:${parts.fingerprint}`;
}
