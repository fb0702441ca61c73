import type { RequestEvent } from '../../domain/request-event.js';

/** Reads one event property as text; null when the event does not carry it. */
export type FieldGetter = (event: RequestEvent) => string | null;

/** Patterns → names of the playbook's routes, so a gateway event (route = template) and a log event agree. */
export type RouteNames = ReadonlyMap<string, string>;

/** The route's name: the gateway records it in fields.routeName, log enrichment does the same. */
export function routeNameOf(event: RequestEvent, names: RouteNames): string | null {
  // route holds the playbook's own pattern string (gateway and enrichment alike): one Map hit, no fields lookup.
  if (event.route !== null) {
    const name = names.get(event.route);
    if (name !== undefined) return name;
  }
  const named = event.fields.routeName;
  if (typeof named === 'string') return named;
  return event.route;
}

const text = (value: string | number | boolean | null | undefined): string | null =>
  value === null || value === undefined || value === '' ? null : String(value);

/**
 * The getter for a group_by key or a distinct field: the named keys of the issue (ip, ip_prefix, token, tenant,
 * event, route, host, subject), any other RequestEvent property, or a parsed field ("fields.x" or just "x").
 * A token is its keyed hash, or its preview when the log only had that.
 */
export function fieldGetter(name: string, routes: RouteNames): FieldGetter {
  switch (name) {
    case 'ip':
      return (e) => e.ip;
    case 'ip_prefix':
      return (e) => e.ipPrefix;
    case 'ip_prefix16':
      return (e) => widePrefix(e.ip);
    case 'token':
      return (e) => e.tokenHash ?? e.tokenPreview;
    case 'token_preview':
      return (e) => e.tokenPreview;
    case 'tenant':
      return (e) => e.tenant;
    case 'event':
      return (e) => e.event;
    case 'route':
      return (e) => routeNameOf(e, routes);
    case 'host':
      return (e) => e.host;
    case 'subject':
      return (e) => e.subject;
    case 'method':
      return (e) => text(e.method);
    case 'path':
      return (e) => text(e.path);
    case 'query':
      return (e) => e.query;
    case 'status':
      return (e) => (e.status === 0 ? null : String(e.status));
    case 'decision':
      return (e) => e.decision;
    case 'user_agent':
      return (e) => e.userAgent;
    case 'level':
      return (e) => e.level;
    case 'message':
      return (e) => e.message;
    case 'source':
      return (e) => e.source;
    case 'rule':
      return (e) => e.rule;
    case 'bytes':
      return (e) => (e.bytes === null ? null : String(e.bytes));
    case 'duration_ms':
      return (e) => (e.durationMs === null ? null : String(e.durationMs));
    default: {
      const field = name.startsWith('fields.') ? name.slice('fields.'.length) : name;
      return (e) => (Object.hasOwn(e.fields, field) ? text(e.fields[field]) : null);
    }
  }
}

/**
 * The wider network of an address: "a.b.0.0/16" for IPv4, the /48 for IPv6 ("2001:db8:1::/48"); null for
 * anything else. A carrier's or a hoster's allocation is about this size, where a /24 is one office or one
 * rack: low-and-slow attacks spread over many /24s of one /16 stay under every per-/24 threshold.
 */
export function widePrefix(ip: string | null): string | null {
  if (ip === null) return null;
  if (ip.includes(':')) {
    const [head = '', tail] = ip.split('::');
    const words = (part: string) => (part === '' ? [] : part.split(':'));
    const before = words(head);
    const after = tail === undefined ? [] : words(tail);
    if (before.length + after.length > 8) return null;
    const all = [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
    return `${all.slice(0, 3).map((w) => w.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/48`;
  }
  const first = ip.indexOf('.');
  const second = first < 0 ? -1 : ip.indexOf('.', first + 1);
  if (second < 0) return null;
  return `${ip.slice(0, second)}.0.0/16`;
}

/** Longer group keys are cut: a hostile header must not make a 64 KiB map key or fingerprint. */
export const MAX_KEY_LENGTH = 200;

/**
 * The key of an event for a rule: the group fields joined with "|"; undefined (skip the event for this rule)
 * when one of them is missing. A rule without group_by has one key for all events, "*".
 */
export function groupKeyOf(
  names: readonly string[],
  routes: RouteNames,
): (event: RequestEvent) => string | undefined {
  if (names.length === 0) return () => '*';
  const getters = names.map((name) => fieldGetter(name, routes));
  const cut = (key: string) => (key.length > MAX_KEY_LENGTH ? key.slice(0, MAX_KEY_LENGTH) : key);
  if (getters.length === 1) {
    const get = getters[0] as FieldGetter;
    return (e) => {
      const value = get(e);
      return value === null ? undefined : cut(value);
    };
  }
  return (e) => {
    let key = '';
    for (let i = 0; i < getters.length; i++) {
      const value = (getters[i] as FieldGetter)(e);
      if (value === null) return undefined;
      key = i === 0 ? value : `${key}|${value}`;
    }
    return cut(key);
  };
}

/**
 * A copy of a string that does not keep its source alive. Regex captures are slices of the whole log line;
 * a Map key kept for minutes would keep that line (and promote it to the old generation) with it.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (text + ' ').slice(0, -1);
}
