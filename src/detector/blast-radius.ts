import type { RequestEvent } from '../domain/request-event.js';
import { CidrMap, parseCidr, parseIp } from '../shared/net/index.js';
import type { Playbook } from '../playbook/index.js';
import type { PlannedMitigation } from './mitigation-plan.js';

/** What a mitigation would have rejected over recent traffic: the cost of being wrong. */
export interface BlastRadius {
  requests: number;
  tenants: number;
  clients: number;
  windowMs: number;
}

function rejects(m: PlannedMitigation, playbook: Playbook): (e: RequestEvent) => boolean {
  const routesOf = (names: readonly string[]) => new Set(names);
  switch (m.kind) {
    case 'block': {
      const cidr = parseCidr(m.target);
      if (!cidr) return () => false;
      const map = new CidrMap<true>();
      map.set(cidr, true);
      return (e) => {
        const ip = e.ip === null ? null : parseIp(e.ip);
        return ip !== null && map.match(ip) !== undefined;
      };
    }
    case 'revoke-token':
      return (e) => e.tokenHash === m.target;
    case 'revoke-subject':
      return (e) => e.subject === m.target;
    case 'revoke-jti':
      return (e) => e.fields.jti === m.target;
    case 'revoke-all':
      return (e) => e.subject !== null;
    case 'switch-off': {
      const routes = routesOf(playbook.gateway?.switches.find((s) => s.name === m.target)?.routes ?? []);
      return (e) => typeof e.fields.routeName === 'string' && routes.has(e.fields.routeName);
    }
    case 'maintenance': {
      const exempt = routesOf(playbook.gateway?.exempt_routes ?? []);
      return (e) =>
        m.target === '*'
          ? !(typeof e.fields.routeName === 'string' && exempt.has(e.fields.routeName))
          : e.fields.routeName === m.target;
    }
    case 'limit-override':
      // An upper bound: every request on the limit's routes could have been slowed.
      return (e) => {
        const limit = playbook.gateway?.rate_limits.find((l) => l.name === m.target);
        return (
          limit?.routes === undefined ||
          (typeof e.fields.routeName === 'string' && limit.routes.includes(e.fields.routeName))
        );
      };
  }
}

/** Counts the requests, distinct tenants and distinct clients among `events` that the mitigation would reject. */
export function blastRadius(
  m: PlannedMitigation,
  events: readonly RequestEvent[],
  playbook: Playbook,
  windowMs: number,
): BlastRadius {
  const hit = rejects(m, playbook);
  const tenants = new Set<string>();
  const clients = new Set<string>();
  let requests = 0;
  for (const e of events) {
    if (!hit(e)) continue;
    requests++;
    if (e.tenant !== null) tenants.add(e.tenant);
    if (e.ip !== null) clients.add(e.ip);
  }
  return { requests, tenants: tenants.size, clients: clients.size, windowMs };
}

/** Over the playbook's cap (requests or tenants) means: hold it for a responder instead of applying it. */
export function exceedsCap(radius: BlastRadius, playbook: Playbook): string | undefined {
  const cap = playbook.detection.blast_radius_cap;
  if (!cap) return undefined;
  if (cap.requests !== undefined && radius.requests > cap.requests)
    return `${radius.requests} requests > cap ${cap.requests}`;
  if (cap.tenants !== undefined && radius.tenants > cap.tenants)
    return `${radius.tenants} tenants > cap ${cap.tenants}`;
  return undefined;
}
