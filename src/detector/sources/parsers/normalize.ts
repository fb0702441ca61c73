import type { Decision, RequestEvent } from '../../../domain/request-event.js';
import { detach } from '../../rules/event-fields.js';
import { hashedTokens } from '../../hashed-tokens.js';
import type { HashedToken } from '../../hashed-tokens.js';
import { canonicalPath } from '../../../shared/http/canonical-path.js';
import { redactQuery } from '../../../shared/redact-query.js';
import { cleanIp, prefixOfClean } from '../ip-prefix.js';
import { canonicalIpv4Value } from '../../../shared/net/ipv4-ranges.js';
import type { ParseContext, ParseResult } from './types.js';

export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

export type FieldValue = string | number | boolean | null;

/** What a format parser found on a line, before normalization into a RequestEvent. */
export interface RawRecord {
  /** Epoch ms; null falls back to ctx.now. */
  time: number | null;
  method?: string | null;
  /** Path with its query; the query is dropped here, after a token is taken from it. */
  uri?: string | null;
  status?: number | null;
  bytes?: number | null;
  durationMs?: number | null;
  ip?: string | null;
  host?: string | null;
  userAgent?: string | null;
  /** A token as logged: a preview ("abcd…ef") stays a preview, a full token is hashed. */
  token?: string | null;
  tenant?: string | null;
  event?: string | null;
  subject?: string | null;
  route?: string | null;
  message?: string | null;
  level?: string | null;
  decision?: Decision | null;
  rule?: string | null;
  fields?: Record<string, FieldValue>;
}

const fail = (reason: string): ParseResult => ({ ok: false, reason });
export { fail };

// C0 controls other than tab, and DEL: a text log never holds them, a binary or corrupt one does.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const BINARY = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Refuses what no format can read, before any format regex runs. Returns the usable line or a reason. */
export function precheck(line: string, maxLength = DEFAULT_MAX_LINE_LENGTH): { line: string } | { reason: string } {
  if (typeof line !== 'string') return { reason: 'not a string' };
  if (line.length > maxLength) return { reason: 'line too long' };
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.trim() === '') return { reason: 'empty line' };
  if (BINARY.test(text)) return { reason: 'binary data' };
  return { line: text };
}

/** Query parameters that carry a token the detector can group by (hashed), and their name lengths. */
export interface QueryTokenParams {
  readonly names: ReadonlySet<string>;
  readonly lengths: ReadonlySet<number>;
}

/** Compiled once per playbook: the `in: query` token kinds of service.tokens (names compared without case). */
export function queryTokenParams(names: Iterable<string>): QueryTokenParams {
  const lower = new Set([...names].map((n) => n.toLowerCase()));
  return { names: lower, lengths: new Set([...lower].map((n) => n.length)) };
}

/** For a service that declares no token locations at all: the names join tokens usually go by. */
export const DEFAULT_QUERY_TOKEN_PARAMS = queryTokenParams(['token', 'access_token', 'join_token']);

/** The query token found by the last pathOfUri call. */
let foundQueryToken: string | null = null;
/** The query (redacted, without "?") found by the last pathOfUri call. */
let foundQuery: string | null = null;
/** Whether the last pathOfUri call had to redact (or cut) its query: the raw request line then needs it too. */
let foundQueryRedacted = false;

export function lastQueryRedacted(): boolean {
  return foundQueryRedacted;
}

/**
 * Splits a logged URI into its path and its query (redacted: ?token=, ?key=, ?signature= values never reach an
 * event), and takes a token from the query parameters the service declares (service.tokens) to be hashed.
 */
export function splitUri(
  uri: string,
  params: QueryTokenParams = DEFAULT_QUERY_TOKEN_PARAMS,
): { path: string; query: string | null; queryToken: string | null } {
  const path = pathOfUri(uri, params);
  return { path, query: foundQuery, queryToken: foundQueryToken };
}

/** splitUri without the result object: query and token are left in foundQuery and foundQueryToken. */
function pathOfUri(uri: string, params: QueryTokenParams): string {
  foundQueryToken = null;
  foundQuery = null;
  foundQueryRedacted = false;
  let path = uri;
  // An absolute-form request line ("GET http://host/path HTTP/1.1") still names a path.
  if (path.startsWith('http://') || path.startsWith('https://')) {
    const slash = path.indexOf('/', path.indexOf('//') + 2);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  const q = path.indexOf('?');
  if (q < 0) return canonical(path);
  const raw = path.slice(q + 1);
  // The first 32 '&'-separated pairs, as query.split('&', 32) would give them, read in place.
  let at = q + 1;
  let eq = -1;
  let tokenValue: string | null = null;
  for (let n = 0; n < 32; n++) {
    let end = path.indexOf('&', at);
    if (end < 0) end = path.length;
    // The next '=' is searched again only once passed: a hostile query costs one scan, not one per pair.
    if (eq < at) eq = path.indexOf('=', at);
    if (eq < 0) break;
    if (eq > at && eq < end) {
      const length = eq - at;
      // Only a name as long as one of the token parameters is worth a slice and a lower-case copy.
      if (params.lengths.has(length) && params.names.has(path.slice(at, eq).toLowerCase())) {
        tokenValue = path.slice(eq + 1, end);
        foundQueryToken = safeDecode(tokenValue) || null;
        break;
      }
    }
    if (end === path.length) break;
    at = end + 1;
  }
  // The declared token parameter's value is redacted whatever its name (a service may call it ?k=).
  foundQuery = redactQuery(raw, tokenValue);
  // redactQuery hands back its argument when it changed nothing.
  foundQueryRedacted = foundQuery !== raw;
  return canonical(path.slice(0, q));
}

/**
 * The path as the gateway judges it (src/shared/http/canonical-path.ts: unreserved escapes decoded, dot
 * segments removed, repeated slashes merged), so `/api/v1/%67allery/…` in a log meets the rules of
 * `/api/v1/gallery/…`. A path the gateway would refuse as ambiguous (an encoded `/`, bad escapes) stays as
 * logged: the app behind the proxy may have served it, and rules still see it.
 */
function canonical(path: string): string {
  // The common case, checked without a call: nothing to decode or merge.
  if (path.indexOf('%') < 0 && path.indexOf('//') < 0 && path.indexOf('/.') < 0) return path;
  const result = canonicalPath(path);
  return result.ok ? result.path : path;
}

/** A logged value that is already a preview ("abcd…ef", "abcd...", "ab***"); anything else is treated as secret. */
export function isPreview(token: string): boolean {
  return token.includes('…') || token.includes('...') || token.includes('***');
}

export function decisionForStatus(status: number): Decision {
  if (status === 429) return 'rate-limited';
  // nginx (client_header/body_timeout), Apache (mod_reqtimeout) and Rampart's gateway answer a too-slow client 408.
  if (status === 408) return 'slow-client';
  if (status >= 500) return 'upstream-error';
  return 'allowed';
}

/** Query and logged tokens → keyed hash and preview (hashed-tokens.ts); started over when another token key comes. */
let tokenCacheKey = '';
let tokenCache = hashedTokens('');

function hashedToken(token: string, key: string): HashedToken {
  if (key !== tokenCacheKey) {
    tokenCache = hashedTokens(key);
    tokenCacheKey = key;
  }
  return tokenCache(token);
}

interface Address {
  ip: string | null;
  prefix: string | null;
}

/**
 * Raw client address → cleaned address and prefix. Logs repeat their clients: one lookup replaces isIP and a
 * new prefix string per line, and every event of a client then shares the same strings (their hash is
 * computed once for all the maps keyed by them). Copies, so no log line is kept alive.
 *
 * A plain dotted quad (nearly every access-log client) is looked up by its 32-bit value in a table of its own:
 * hashing a number costs a multiply, where a Map must hash each line's new address string first. Other forms
 * go through a Map, emptied when full.
 */
const ADDRESS_CACHE_SIZE = 10_000;
const addresses = new Map<string, Address>();
const IPV4_SLOTS = 1 << 14;
const ipv4Keys = new Float64Array(IPV4_SLOTS).fill(-1);
const ipv4Addresses: (Address | undefined)[] = new Array<Address | undefined>(IPV4_SLOTS);

function addressOf(raw: string | null | undefined): Address {
  if (raw === null || raw === undefined || raw.length > 64) {
    return { ip: null, prefix: null };
  }
  const v4 = canonicalIpv4Value(raw);
  if (v4 !== -1) {
    // Direct-mapped by a multiplicative hash, two slots per value: a new address takes the second slot's place.
    const slot = (Math.imul(v4, 0x9e3779b1) >>> 18) & ~1;
    if (ipv4Keys[slot] === v4) return ipv4Addresses[slot] as Address;
    if (ipv4Keys[slot + 1] === v4) return ipv4Addresses[slot + 1] as Address;
    const ip = detach(raw);
    const known: Address = { ip, prefix: detach(`${raw.slice(0, raw.lastIndexOf('.'))}.0/24`) };
    // The newer entry goes first; the one it displaces moves to the second slot.
    ipv4Keys[slot + 1] = ipv4Keys[slot] as number;
    ipv4Addresses[slot + 1] = ipv4Addresses[slot];
    ipv4Keys[slot] = v4;
    ipv4Addresses[slot] = known;
    return known;
  }
  let known = addresses.get(raw);
  if (known === undefined) {
    const ip = cleanIp(raw);
    known = ip === null ? { ip: null, prefix: null } : { ip: detach(ip), prefix: detachOrNull(prefixOfClean(ip)) };
    if (addresses.size >= ADDRESS_CACHE_SIZE) addresses.clear();
    addresses.set(detach(raw), known);
  }
  return known;
}

const detachOrNull = (text: string | null): string | null => (text === null ? null : detach(text));

/** The event of an access-log line, built in one go (buildEvent's rules for the fields an access log has). */
export function requestEvent(
  ctx: ParseContext,
  time: number,
  method: string,
  uri: string | null,
  status: number,
  bytes: number | null,
  durationMs: number | null,
  rawIp: string,
  userAgent: string | null,
  fields: Record<string, FieldValue>,
): ParseResult {
  if (!Number.isFinite(time)) return fail('no timestamp');
  let path = '';
  let query: string | null = null;
  let tokenHash: string | null = null;
  let tokenPreview: string | null = null;
  if (uri) {
    path = pathOfUri(uri, ctx.queryTokens ?? DEFAULT_QUERY_TOKEN_PARAMS);
    query = foundQuery;
    const token = foundQueryToken;
    if (token) {
      const known = hashedToken(token, ctx.tokenKey);
      tokenHash = known.hash;
      tokenPreview = known.preview;
    }
  }
  // Every client through the address cache: the events of one client share one address and one prefix string,
  // whose hash V8 computes once, so every rule's map lookup by ip or ip_prefix is a compare, not a hashing.
  const address = addressOf(rawIp);
  const ip = address.ip;
  const ipPrefix = address.prefix;
  const event: RequestEvent = {
    time,
    service: ctx.service,
    source: ctx.source,
    method,
    path,
    query,
    route: null,
    host: null,
    status,
    durationMs,
    bytes,
    ip,
    ipPrefix,
    tokenHash,
    tokenPreview,
    subject: null,
    tenant: null,
    event: null,
    userAgent,
    decision: decisionForStatus(status),
    rule: null,
    spoofedForwardedFor: false,
    message: null,
    level: null,
    fields,
  };
  return { ok: true, event };
}

/** Builds the normalized event; every parser ends here so all formats agree on the edge cases. */
export function buildEvent(raw: RawRecord, ctx: ParseContext): ParseResult {
  const time = raw.time ?? ctx.now ?? null;
  if (time === null || !Number.isFinite(time)) return fail('no timestamp');
  let path = '';
  let query: string | null = null;
  let queryToken: string | null = null;
  if (raw.uri) ({ path, query, queryToken } = splitUri(raw.uri, ctx.queryTokens));
  let tokenHash: string | null = null;
  let tokenPreview: string | null = null;
  const token = raw.token ?? queryToken;
  if (token) {
    // A token from a query string is the real thing, whatever it looks like.
    if (raw.token && isPreview(token)) {
      // A copy: rules keep token values as they are (event-fields.ts, OWN_STRING_FIELDS), never a log line's slice.
      tokenPreview = detach(token);
    } else {
      const known = hashedToken(token, ctx.tokenKey);
      tokenHash = known.hash;
      tokenPreview = known.preview;
    }
  }
  const address = addressOf(raw.ip);
  const status = raw.status ?? 0;
  const event: RequestEvent = {
    time,
    service: ctx.service,
    source: ctx.source,
    method: raw.method ?? '',
    path,
    query,
    route: raw.route ?? null,
    host: raw.host ?? null,
    status,
    durationMs: raw.durationMs ?? null,
    bytes: raw.bytes ?? null,
    ip: address.ip,
    ipPrefix: address.prefix,
    tokenHash,
    tokenPreview,
    subject: raw.subject ?? null,
    tenant: raw.tenant ?? null,
    event: raw.event ?? null,
    userAgent: raw.userAgent ?? null,
    decision: raw.decision ?? decisionForStatus(status),
    rule: raw.rule ?? null,
    spoofedForwardedFor: false,
    message: raw.message ?? null,
    level: raw.level ?? null,
    fields: raw.fields ?? {},
  };
  return { ok: true, event };
}

/** "-" and "" mean absent in access logs. */
export function dash(value: string | undefined): string | null {
  return value === undefined || value === '-' || value === '' ? null : value;
}

export function toInt(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value !== 'string' || value === '' || value === '-') return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

export function toFloat(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value === '' || value === '-') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function toText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' || value === '-' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A status that is a real HTTP status, or null. */
export function toStatus(value: unknown): number | null {
  const n = toInt(value);
  return n !== null && n >= 100 && n <= 599 ? n : null;
}

/** Referers and similar URLs keep scheme, host and path only: their query may hold a token. */
export function stripQuery(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
