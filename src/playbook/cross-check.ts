import { routeParams } from './schema/service.js';

/**
 * Cross-references between sections. It walks the raw YAML value rather than the parsed playbook so that it
 * still runs when the shape has errors elsewhere: a user fixing one file should see every problem in one go.
 * Anything malformed here is skipped silently — the schema already reports it.
 */
export interface CrossIssue {
  path: (string | number)[];
  expected: string;
  got: string;
}

type Path = (string | number)[];
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const at = (v: unknown, key: string): unknown => (isObj(v) ? v[key] : undefined);

/** Items of a list with their index, keeping only objects. */
function* items(v: unknown): Generator<[Obj, number]> {
  for (const [i, item] of list(v).entries()) if (isObj(item)) yield [item, i];
}

function names(v: unknown, key = 'name'): Set<string> {
  const out = new Set<string>();
  for (const [item] of items(v)) if (typeof item[key] === 'string') out.add(item[key]);
  return out;
}

function known(set: Set<string>): string {
  return set.size === 0 ? 'none defined' : [...set].join(', ');
}

export function crossCheck(raw: unknown): CrossIssue[] {
  const issues: CrossIssue[] = [];
  if (!isObj(raw)) return issues;

  const ref = (kind: string, set: Set<string>, value: unknown, path: Path, caseless = false): void => {
    if (typeof value !== 'string') return;
    const hit = caseless ? [...set].some((n) => n.toLowerCase() === value.toLowerCase()) : set.has(value);
    if (!hit)
      issues.push({
        path,
        expected: `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} defined in this playbook (${known(set)})`,
        got: `"${value}"`,
      });
  };
  const refs = (kind: string, set: Set<string>, value: unknown, path: Path): void => {
    if (typeof value === 'string') ref(kind, set, value, path);
    else for (const [i, v] of list(value).entries()) ref(kind, set, v, [...path, i]);
  };
  const unique = (value: unknown, path: Path, key = 'name'): void => {
    const seen = new Map<string, number>();
    for (const [item, i] of items(value)) {
      const name = item[key];
      if (typeof name !== 'string') continue;
      const first = seen.get(name.toLowerCase());
      if (first === undefined) seen.set(name.toLowerCase(), i);
      else
        issues.push({
          path: [...path, i, key],
          expected: `a unique ${key} (already used at [${first}])`,
          got: `"${name}"`,
        });
    }
  };

  const service = at(raw, 'service');
  const gateway = at(raw, 'gateway');
  const severity = at(raw, 'severity');
  const detection = at(raw, 'detection');
  const comms = at(raw, 'comms');

  const routes = names(at(service, 'routes'));
  const scale = names(at(severity, 'scale'));
  const limits = names(at(gateway, 'rate_limits'));
  const switches = names(at(gateway, 'switches'));
  const tokens = names(at(service, 'tokens'));
  const types = names(at(raw, 'incident_types'));
  const monitors = names(at(raw, 'monitors'));
  const templates = names(at(comms, 'templates'));
  const audiences = names(at(comms, 'audiences'));
  const sev = (value: unknown, path: Path): void => ref('severity on the scale', scale, value, path, true);

  unique(at(service, 'routes'), ['service', 'routes']);
  unique(at(severity, 'scale'), ['severity', 'scale']);
  unique(at(service, 'tokens'), ['service', 'tokens']);
  unique(at(gateway, 'rate_limits'), ['gateway', 'rate_limits']);
  unique(at(gateway, 'switches'), ['gateway', 'switches']);
  unique(at(detection, 'rules'), ['detection', 'rules']);
  unique(at(raw, 'incident_types'), ['incident_types']);
  unique(at(raw, 'monitors'), ['monitors']);
  unique(at(comms, 'audiences'), ['comms', 'audiences']);
  unique(at(comms, 'templates'), ['comms', 'templates']);
  unique(at(raw, 'routines'), ['routines']);
  unique(at(at(raw, 'checklist'), 'phases'), ['checklist', 'phases']);

  sev(at(severity, 'default'), ['severity', 'default']);

  // Tokens and gateway: every route, token kind and limit named must exist, and a path token needs its {param}.
  refs('route', routes, at(gateway, 'exempt_routes'), ['gateway', 'exempt_routes']);
  const routePatterns = new Map<string, string>();
  for (const [r] of items(at(service, 'routes')))
    if (typeof r.name === 'string' && typeof r.pattern === 'string') routePatterns.set(r.name, r.pattern);
  let hasJwt = false;
  for (const [t, i] of items(at(service, 'tokens'))) {
    const base: Path = ['service', 'tokens', i];
    if (t.in === 'jwt') hasJwt = true;
    refs('route', routes, t.routes, [...base, 'routes']);
    if (t.in !== 'path') continue;
    const param = typeof t.param === 'string' ? t.param : 'token';
    for (const [j, route] of list(t.routes).entries()) {
      const pattern = typeof route === 'string' ? routePatterns.get(route) : undefined;
      if (pattern !== undefined && !routeParams(pattern).includes(param))
        issues.push({
          path: [...base, 'routes', j],
          expected: `a route whose pattern has a {${param}} segment`,
          got: `"${pattern}"`,
        });
    }
  }
  for (const [l, i] of items(at(gateway, 'rate_limits'))) {
    const base: Path = ['gateway', 'rate_limits', i];
    refs('route', routes, l.routes, [...base, 'routes']);
    ref('token kind', tokens, l.token, [...base, 'token']);
    if (l.key === 'token' && tokens.size === 0)
      issues.push({
        path: [...base, 'key'],
        expected: 'service.tokens to define where tokens are read',
        got: 'key token with no token kinds',
      });
    if ((l.key === 'subject' || l.key === 'tenant') && !hasJwt)
      issues.push({
        path: [...base, 'key'],
        expected: 'a jwt token kind in service.tokens',
        got: `key ${String(l.key)} with no jwt token kind`,
      });
  }
  for (const [s, i] of items(at(gateway, 'switches')))
    refs('route', routes, s.routes, ['gateway', 'switches', i, 'routes']);

  // Mitigations are named in rules and incident types alike.
  const mitigation = (m: unknown, base: Path): void => {
    if (!isObj(m)) return;
    if (m.action === 'throttle') ref('rate limit', limits, m.limit, [...base, 'limit']);
    if (m.action === 'switch-off') ref('switch', switches, m.switch, [...base, 'switch']);
    if (m.action === 'maintenance') refs('route', routes, m.routes, [...base, 'routes']);
    if (m.action === 'notify') {
      ref('audience', audiences, m.audience, [...base, 'audience']);
      ref('template', templates, m.template, [...base, 'template']);
    }
    if (typeof m.action === 'string' && m.action.startsWith('revoke-'))
      ref('token kind', tokens, m.token, [...base, 'token']);
  };

  const sourceNames = new Set<string>();
  for (const [s] of items(at(detection, 'sources')))
    for (const key of ['kind', 'name', 'path', 'format'])
      if (typeof s[key] === 'string') sourceNames.add(s[key]);
  if (at(detection, 'sources') === undefined) sourceNames.add('gateway');

  for (const [r, i] of items(at(detection, 'rules'))) {
    const base: Path = ['detection', 'rules', i];
    ref('incident type', types, r.incident_type, [...base, 'incident_type']);
    sev(r.severity, [...base, 'severity']);
    ref('detection source (kind, name, path or format)', sourceNames, r.source, [...base, 'source']);
    refs('route', routes, at(r.filter, 'route'), [...base, 'filter', 'route']);
    refs('route', routes, at(at(at(r, 'trigger'), 'errors'), 'route'), [
      ...base,
      'trigger',
      'errors',
      'route',
    ]);
    mitigation(r.mitigation, [...base, 'mitigation']);
  }

  for (const [t, i] of items(at(raw, 'incident_types'))) {
    sev(t.severity, ['incident_types', i, 'severity']);
    for (const [m, j] of items(t.mitigations)) mitigation(m, ['incident_types', i, 'mitigations', j]);
  }

  const stepIds = new Map<string, string>();
  for (const [phase, i] of items(at(at(raw, 'checklist'), 'phases')))
    for (const [step, j] of items(phase.steps)) {
      if (typeof step.id !== 'string') continue;
      const first = stepIds.get(step.id);
      if (first !== undefined)
        issues.push({
          path: ['checklist', 'phases', i, 'steps', j, 'id'],
          expected: `a unique step id (already used in ${first})`,
          got: `"${step.id}"`,
        });
      else stepIds.set(step.id, `phase ${String(phase.name)}`);
    }

  for (const [a, i] of items(at(comms, 'audiences'))) {
    const base: Path = ['comms', 'audiences', i];
    for (const [j, s] of list(at(a.when, 'severities')).entries()) sev(s, [...base, 'when', 'severities', j]);
    refs('incident type', types, at(a.when, 'incident_types'), [...base, 'when', 'incident_types']);
    ref('template', templates, a.template, [...base, 'template']);
    for (const [c, j] of items(a.channels))
      ref('template', templates, c.template, [...base, 'channels', j, 'template']);
    if (a.timing === 'business_hours' && at(comms, 'business_hours') === undefined)
      issues.push({
        path: [...base, 'timing'],
        expected: 'comms.business_hours to be defined',
        got: 'business_hours timing without hours',
      });
  }

  for (const [s, i] of items(at(at(raw, 'verification'), 'steps'))) {
    refs('monitor', monitors, s.monitors, ['verification', 'steps', i, 'monitors']);
    refs('route', routes, s.routes, ['verification', 'steps', i, 'routes']);
  }
  for (const [r, i] of items(at(raw, 'routines')))
    ref('monitor', monitors, at(r.run, 'monitor'), ['routines', i, 'run', 'monitor']);

  const review = at(raw, 'review');
  const last = at(review, 'last_reviewed');
  const next = at(review, 'next_review_due');
  if (typeof last === 'string' && typeof next === 'string' && next < last)
    issues.push({
      path: ['review', 'next_review_due'],
      expected: `a date after last_reviewed (${last})`,
      got: next,
    });
  return issues;
}
