/**
 * Which open incident a signal belongs to: one incident per attack, whichever rule or source saw it. At most one incident per service and correlation key is open at a
 * time, and the database enforces it (a partial unique index, migration 0004), so two desks that see the same
 * attack at once open one incident and the second joins it.
 *
 * - A signal that names its incident type and the entity it was grouped by correlates as
 *   `type:<type>:<entity>`. The detector names the entity (detector/correlation-entity.ts): the attacked
 *   token (keyed hash), subject, network (an address is widened to its /24 or /64, so rules grouped by
 *   address, by address and route, or by prefix agree), tenant or event — not the route or host a rule also
 *   grouped by; `*` for a rule over the whole service. So an access-log rule and an error-log rule that both
 *   see 203.0.113.7 brute-forcing join one incident, whichever fired first. Without an entity the group key
 *   stands in; an inbound alert's is its sender's own key (Alertmanager's fingerprint, a webhook's
 *   `fingerprint`).
 * - Anything else (no type, or no group key: monitors, untyped rules, alerts without a type) correlates by its
 *   fingerprint, `fingerprint:<fingerprint>`, as before: the same rule or source on the same key.
 *
 * The prefixes keep the two forms apart (a type is `[a-z0-9-]+`, so its first ":" ends it). A signal joins only
 * within the playbook's `detection.join_window` of the incident's last signal (desk/ingest-signal.ts).
 */
export interface CorrelationParts {
  fingerprint: string;
  type?: string | null | undefined;
  groupKey?: string | null | undefined;
  /** The attacked entity, when the signal's source names one; else the group key stands for it. */
  correlate?: string | null | undefined;
}

export function correlationKey(parts: CorrelationParts): string {
  const entity = parts.correlate || parts.groupKey;
  if (parts.type && entity) return `type:${parts.type}:${entity}`;
  return `fingerprint:${parts.fingerprint}`;
}
