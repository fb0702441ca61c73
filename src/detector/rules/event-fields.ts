import type { RequestEvent } from '../../domain/request-event.js';
import { cutVisible, visibleText } from '../../shared/visible-text.js';

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

/**
 * Fields whose values are strings of their own: made by the parsers' address and token caches or by the gateway
 * (a formatted address, a prefix, a keyed hash), never a slice of a log line, and the same object for every
 * event of one client or token. A map may keep such a value as it is: kept as a copy instead, every later
 * lookup with the event's own string would find a different object and compare the two character by character.
 */
const OWN_STRING_FIELDS: ReadonlySet<string> = new Set(['ip', 'ip_prefix', 'token', 'token_preview']);

/** Whether a map may keep this field's values without a copy (see OWN_STRING_FIELDS). */
function ownStrings(name: string): boolean {
  return OWN_STRING_FIELDS.has(name);
}

/** A value to keep in a map: itself when its field's values are strings of their own, else a detached copy. */
export function keeper(name: string): (value: string) => string {
  return ownStrings(name) ? (value) => value : detach;
}

/**
 * Whether the keys groupKeyOf(names) returns may be kept as they are: "*", a combined key (made and detached
 * there, and the same object for every event of the combination), or a single field of strings of their own.
 */
export function groupKeysOwn(names: readonly string[]): boolean {
  return names.length !== 1 || ownStrings(names[0] as string);
}

/** Longer group keys are cut: a hostile header must not make a 64 KiB map key or fingerprint. */
export const MAX_KEY_LENGTH = 200;

/**
 * The key of an event for a rule: the group fields joined with "|"; undefined (skip the event for this rule)
 * when one of them is missing. A rule without group_by has one key for all events, "*".
 *
 * The key is made visible here (shared/visible-text.ts), once, where it is made: it becomes the signal's group
 * key, fingerprint, correlation entity and title, and from there the incident, the timeline, notifications, the
 * CLI and the console, so a control character or bidi override in a user agent or path reaches none of them
 * raw. The cut to MAX_KEY_LENGTH is made on the escaped key, before an escape rather than through it.
 */
export function groupKeyOf(
  names: readonly string[],
  routes: RouteNames,
): (event: RequestEvent) => string | undefined {
  if (names.length === 0) return () => '*';
  const getters = names.map((name) => fieldGetter(name, routes));
  const keep = names.map(keeper);
  const cut = (key: string) => visibleText(key, MAX_KEY_LENGTH);
  if (getters.length === 1) {
    const get = getters[0] as FieldGetter;
    return (e) => {
      const value = get(e);
      return value === null ? undefined : cut(value);
    };
  }
  // The key of a value combination is made once and reused: a string built per event is a new object V8 must
  // flatten and hash at every map lookup, where the same object's hash is computed once. Nested maps by value
  // (the values themselves are mostly shared strings: the address cache's, the token cache's), bounded.
  const root: KeyNode = new Map();
  let made = 0;
  return (e) => {
    let node = root;
    let key: string | undefined;
    for (let i = 0; i < getters.length; i++) {
      const value = (getters[i] as FieldGetter)(e);
      if (value === null) return undefined;
      if (i < getters.length - 1) {
        let next = node.get(value) as KeyNode | undefined;
        if (next === undefined) node.set((keep[i] as (v: string) => string)(value), (next = new Map()));
        node = next;
      } else {
        key = node.get(value) as string | undefined;
        if (key === undefined) {
          if (++made > COMBINED_KEYS_MAX) {
            root.clear();
            made = 0;
          }
          // Each value made visible, its own "|" written \x7c, then joined with "|": ("a|b", "c") and ("a", "b|c")
          // are two keys, not one. A "\x7c" in a value cannot pass for it: visibleText writes its "\" as "\\".
          let joined = '';
          for (let j = 0; j < getters.length; j++) {
            const part = visibleText((getters[j] as FieldGetter)(e) ?? '').replaceAll('|', '\\x7c');
            joined = j === 0 ? part : `${joined}|${part}`;
          }
          key = detach(cutVisible(joined, MAX_KEY_LENGTH));
          node.set((keep[i] as (v: string) => string)(value), key);
        }
      }
    }
    return key;
  };
}

/** Value → next level, or (last level) value → the combined key. */
type KeyNode = Map<string, KeyNode | string>;

/** Combined group keys a rule keeps made; past it the cache starts over (an attack's random values). */
const COMBINED_KEYS_MAX = 20_000;

/**
 * A copy of a string that does not keep its source alive, for a map key kept for minutes. Regex captures are
 * slices of the whole log line; a key that is one would keep that line (and promote it to the old generation).
 * The copy is a flat string of its own (V8's sequential string, not a slice of another), the form a Map
 * compares fastest: a lookup with a string whose hash V8 has already computed is then a hash probe and one
 * memcmp, where a sliced key costs three times that. Strings under 13 characters are never slices in V8 (it
 * copies them), so they are kept as they are; longer ones are copied through JSON, which writes a new flat string
 * (and keeps lone surrogates).
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}
