import type { CompiledRule } from './rules/index.js';
import { ipPrefix } from './sources/ip-prefix.js';

/**
 * The group fields that name who or what is attacked, most specific first. A rule's route or host is how it
 * looked at the attack, not who made it, so it does not split one attack into two incidents.
 */
const ENTITY_FIELDS = ['token', 'subject', 'ip', 'ip_prefix', 'tenant', 'event'] as const;

/**
 * The attacked entity a rule's group key names, for correlation (domain/correlation-key.ts): the value of the
 * rule's most specific entity field, with an address widened to its /24 (/64), so an access-log rule grouped
 * by address, an error-log rule grouped by address and route, and a rule grouped by prefix all name the same
 * network. Without an entity field (group_by [] or only route/host) the group key itself; `*` for the
 * service as a whole. A key whose parts cannot be told apart (a value holding "|") stays as it is.
 */
export function correlationEntity(rule: Pick<CompiledRule, 'groupBy'>, groupKey: string): string {
  if (rule.groupBy.length === 0) return groupKey;
  const parts = rule.groupBy.length === 1 ? [groupKey] : groupKey.split('|');
  if (parts.length !== rule.groupBy.length) return groupKey;
  for (const field of ENTITY_FIELDS) {
    const at = rule.groupBy.indexOf(field);
    if (at < 0) continue;
    const value = parts[at] ?? groupKey;
    if (field === 'ip') return ipPrefix(value) ?? value;
    return value;
  }
  return groupKey;
}
