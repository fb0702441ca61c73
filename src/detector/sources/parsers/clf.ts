import { buildEvent, dash, fail, lastQueryRedacted, requestEvent, stripQuery, toInt } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { ParseContext, ParseResult } from './types.js';
import { redactRequestLine } from '../../../shared/redact-query.js';
import { parseClfTime } from './time.js';

/*
 * Common/combined log format as nginx and Apache write it:
 *   host ident user [time] "request" status bytes ["referer" "user-agent"] [extra...]
 * Quoted fields use the unrolled-loop form so a hostile line cannot make the regex backtrack: every step has
 * exactly one way to match. nginx escapes '"' as \x22, Apache as \" — both fit.
 */
// No character class admits a C0 control (tab aside) or DEL, so a match also proves what precheck's binary
// test would: nginx's fast path skips that test and runs it only on lines that do not match.
const TEXT = '\\x00-\\x08\\x0a-\\x1f\\x7f';
const NOT_SPACE = `[^\\s${TEXT}]`;
const QUOTED = `"([^"\\\\${TEXT}]*(?:\\\\[^${TEXT}\\u2028\\u2029][^"\\\\${TEXT}]*)*)"`;
export const CLF = new RegExp(
  `^(${NOT_SPACE}+) ${NOT_SPACE}+ (${NOT_SPACE}+) \\[([^\\]${TEXT}]{1,40})\\] ${QUOTED} (\\d{3}) (\\d+|-)(?: ${QUOTED} ${QUOTED})?(?: ([^${TEXT}\\u2028\\u2029]*))?$`,
);

export interface ClfMatch {
  ip: string;
  user: string | null;
  time: number;
  method: string;
  uri: string | null;
  protocol: string | null;
  status: number;
  bytes: number | null;
  referer: string | null;
  userAgent: string | null;
  /** Whatever the log_format appended after the user agent. */
  rest: string | null;
  /** The request line as logged, query redacted; null for "-". */
  request: string | null;
}

export function matchClf(line: string): ClfMatch | string {
  const m = CLF.exec(line);
  if (!m) return 'not a combined log line';
  const time = parseClfTime(m[3] ?? '');
  if (time === null) return 'bad time';
  const request = m[4] ?? '';
  // "GET /path HTTP/1.1"; a garbage request line (TLS to the HTTP port, "-") still counts as a request.
  const first = request.indexOf(' ');
  const last = request.lastIndexOf(' ');
  let method = '';
  let uri: string | null = null;
  let protocol: string | null = null;
  if (isMethod(request, first)) {
    method = request.slice(0, first);
    if (last > first && request.startsWith('HTTP/', last + 1)) {
      uri = request.slice(first + 1, last);
      protocol = request.slice(last + 1);
    } else {
      uri = request.slice(first + 1);
    }
  }
  const referer = dash(m[7]);
  return {
    ip: m[1] ?? '',
    user: dash(m[2]),
    time,
    method,
    uri,
    protocol,
    status: Number(m[5]),
    bytes: toInt(m[6]),
    referer: referer === null ? null : stripQuery(referer),
    userAgent: dash(m[8]),
    rest: m[9] ?? null,
    request: request === '' || request === '-' ? null : redactRequestLine(request),
  };
}

/** Whether request[0, end) is 1–16 capital letters (/^[A-Z]{1,16}$/ without the slice). */
function isMethod(request: string, end: number): boolean {
  if (end < 1 || end > 16) return false;
  for (let i = 0; i < end; i++) {
    const c = request.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/**
 * matchClf + clfEvent without the intermediate records: the event is built once from the regex match. `fields`
 * is the caller's own object (what its log_format appended), filled in place.
 */
export function clfMatchEvent(
  m: RegExpExecArray,
  ctx: ParseContext,
  durationMs: number | null,
  fields: Record<string, FieldValue>,
): ParseResult {
  const time = parseClfTime(m[3] ?? '');
  if (time === null) return fail('bad time');
  const request = m[4] ?? '';
  const first = request.indexOf(' ');
  let method = '';
  let uri: string | null = null;
  let protocol: string | null = null;
  if (isMethod(request, first)) {
    const last = request.lastIndexOf(' ');
    method = request.slice(0, first);
    if (last > first && request.startsWith('HTTP/', last + 1)) {
      uri = request.slice(first + 1, last);
      protocol = request.slice(last + 1);
    } else {
      uri = request.slice(first + 1);
    }
  }
  const referer = dash(m[7]);
  if (referer !== null) fields.referer = stripQuery(referer);
  if (protocol !== null) fields.protocol = protocol;
  const user = dash(m[2]);
  if (user !== null) fields.user = user;
  const result = requestEvent(ctx, time, method, uri, Number(m[5]), toInt(m[6]), durationMs, m[1] ?? '', dash(m[8]), fields);
  // The request line as logged: what a malformed one (TLS on the HTTP port) keeps. Its query is redacted like
  // the event's, and only rewritten when the event's had to be (or when no path could be read from it).
  if (request !== '' && request !== '-') {
    fields.request = uri === null || lastQueryRedacted() ? redactRequestLine(request) : request;
  }
  return result;
}

export function clfEvent(
  match: ClfMatch,
  ctx: ParseContext,
  durationMs: number | null,
  extra: Record<string, FieldValue> = {},
): ParseResult {
  // The caller hands over its own object: filling it in place saves a copy per line.
  const fields = extra;
  if (match.request !== null) fields.request = match.request;
  if (match.referer !== null) fields.referer = match.referer;
  if (match.protocol !== null) fields.protocol = match.protocol;
  // $remote_user is whoever basic auth named: useful, not secret.
  if (match.user !== null) fields.user = match.user;
  return buildEvent(
    {
      time: match.time,
      method: match.method,
      uri: match.uri,
      status: match.status,
      bytes: match.bytes,
      durationMs,
      ip: match.ip,
      userAgent: match.userAgent,
      fields,
    },
    ctx,
  );
}

export function parseClfLine(line: string, ctx: ParseContext): ParseResult {
  const match = matchClf(line);
  return typeof match === 'string' ? fail(match) : clfEvent(match, ctx, null);
}
