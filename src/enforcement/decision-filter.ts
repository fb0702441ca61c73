import { isIP } from 'node:net';
import { parseCidr } from '../shared/net/cidr-map.js';
import type { CrowdsecDecision } from './crowdsec-decision.js';

/** A query parameter as the Local API reads it: comma-separated, case-insensitive for scopes. */
function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0)
    .slice(0, 50);
}

export interface StreamFilter {
  scopes: string[];
  origins?: string[];
  scenariosContaining?: string[];
  scenariosNotContaining?: string[];
}

/** The stream's filters; scopes default to "ip,range" as in CrowdSec's Local API. */
export function streamFilter(query: Record<string, unknown>): StreamFilter {
  const origins = list(query.origins);
  const containing = list(query.scenarios_containing);
  const notContaining = list(query.scenarios_not_containing);
  return {
    scopes: (list(query.scopes) ?? ['ip', 'range']).map((s) => s.toLowerCase()),
    ...(origins ? { origins } : {}),
    ...(containing ? { scenariosContaining: containing } : {}),
    ...(notContaining ? { scenariosNotContaining: notContaining } : {}),
  };
}

export function passesStream(d: CrowdsecDecision, f: StreamFilter): boolean {
  if (!f.scopes.includes(d.scope.toLowerCase())) return false;
  if (f.origins && !f.origins.includes(d.origin)) return false;
  if (f.scenariosContaining && !f.scenariosContaining.some((s) => d.scenario.includes(s))) return false;
  if (f.scenariosNotContaining?.some((s) => d.scenario.includes(s))) return false;
  return true;
}

/** Does the decision's address or range contain `cidr` (an address is a /32 or /128)? */
function contains(decisionValue: string, inner: string): boolean {
  const outer = parseCidr(decisionValue);
  const probe = parseCidr(inner);
  if (!outer || !probe || outer.version !== probe.version || outer.bits > probe.bits) return false;
  const network = probe.text.slice(0, probe.text.indexOf('/'));
  return parseCidr(`${network}/${outer.bits}`)?.key === outer.key;
}

/**
 * `GET /v1/decisions`' filters: `ip` (decisions whose address or range holds it), `range` (containing it, or
 * with contains=false inside it), `scope` and `value` (exact), `type`. Returns the reason when a value is bad.
 */
export function decisionQuery(query: Record<string, unknown>): ((d: CrowdsecDecision) => boolean) | string {
  const text = (name: string) => {
    const v = query[name];
    return typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : undefined;
  };
  const ip = text('ip');
  const range = text('range');
  const scope = text('scope')?.toLowerCase();
  const value = text('value');
  const type = text('type');
  const within = text('contains') === 'false';
  if (ip !== undefined && isIP(ip) === 0) return `unable to convert '${ip}' to int: invalid address`;
  if (range !== undefined && parseCidr(range) === null) return `invalid range '${range}'`;
  return (d) => {
    if (type !== undefined && d.type !== type) return false;
    if (scope !== undefined && d.scope.toLowerCase() !== scope) return false;
    if (value !== undefined && d.value !== value) return false;
    if (ip !== undefined && !contains(d.value, ip)) return false;
    if (range !== undefined && !(within ? contains(range, d.value) : contains(d.value, range))) return false;
    return true;
  };
}
