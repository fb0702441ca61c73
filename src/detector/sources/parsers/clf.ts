import { buildEvent, dash, fail, stripQuery, toInt } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { ParseContext, ParseResult } from './types.js';
import { parseClfTime } from './time.js';

/*
 * Common/combined log format as nginx and Apache write it:
 *   host ident user [time] "request" status bytes ["referer" "user-agent"] [extra...]
 * Quoted fields use the unrolled-loop form so a hostile line cannot make the regex backtrack: every step has
 * exactly one way to match. nginx escapes '"' as \x22, Apache as \" — both fit.
 */
const QUOTED = '"([^"\\\\]*(?:\\\\.[^"\\\\]*)*)"';
const CLF = new RegExp(
  `^(\\S+) \\S+ (\\S+) \\[([^\\]]{1,40})\\] ${QUOTED} (\\d{3}) (\\d+|-)(?: ${QUOTED} ${QUOTED})?(?: (.*))?$`,
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
  if (first > 0 && /^[A-Z]{1,16}$/.test(request.slice(0, first))) {
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
  };
}

export function clfEvent(
  match: ClfMatch,
  ctx: ParseContext,
  durationMs: number | null,
  extra: Record<string, FieldValue> = {},
): ParseResult {
  // The caller hands over its own object: filling it in place saves a copy per line.
  const fields = extra;
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
