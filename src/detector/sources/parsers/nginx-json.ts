import { getPath, parseJsonObject, repeatedKey } from './json-line.js';
import { buildEvent, fail, precheck, stripQuery, toFloat, toInt, toStatus, toText } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { redactRequestLine } from '../../../shared/redact-query.js';
import { parseAnyTime, parseClfTime, parseIsoTime } from './time.js';
import type { WallClock } from './zone.js';

/**
 * nginx `log_format x escape=json '{"remote_addr":"$remote_addr",...}'`. nginx writes every variable as a
 * string, so numbers arrive as "200" and absent values as "" or "-".
 */
export function nginxJsonParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'nginx-json',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const json = parseJsonObject(checked.line);
      if (typeof json === 'string') return fail(json);
      const get = (key: string): string | null => toText(getPath(json, key));

      const iso = get('time_iso8601');
      const local = get('time_local');
      const msec = get('msec');
      const time =
        (iso !== null ? parseIsoTime(iso, clock) : null) ??
        (local !== null ? parseClfTime(local) : null) ??
        (msec !== null ? parseAnyTime(msec, clock) : null) ??
        parseAnyTime(getPath(json, 'time') ?? getPath(json, 'timestamp'), clock);
      if (time === null && (iso !== null || local !== null || msec !== null)) return fail('bad time');

      let method = get('request_method');
      // $request_uri has the query; $uri does not, and $args (or $query_string) holds it then.
      let uri = get('request_uri');
      if (uri === null) {
        const path = get('uri');
        const args = get('args') ?? get('query_string');
        uri = path !== null && args !== null ? `${path}?${args}` : path;
      }
      let protocol = get('server_protocol');
      const request = get('request');
      if (request !== null && (method === null || uri === null)) {
        const [m, u, p] = request.split(' ', 3);
        method ??= m && /^[A-Z]{1,16}$/.test(m) ? m : null;
        uri ??= u ?? null;
        protocol ??= p ?? null;
      }
      const status = toStatus(getPath(json, 'status'));
      if (status === null) return fail('no status');
      const seconds = toFloat(getPath(json, 'request_time'));
      const fields: Record<string, FieldValue> = {};
      const forwarded = get('http_x_forwarded_for');
      if (forwarded !== null) fields.forwardedFor = forwarded;
      const referer = get('http_referer');
      if (referer !== null) fields.referer = stripQuery(referer);
      const upstream = get('upstream_response_time');
      if (upstream !== null) fields.upstreamResponseTime = upstream;
      if (protocol !== null) fields.protocol = protocol;
      if (request !== null) fields.request = redactRequestLine(request);
      const requestId = get('request_id');
      if (requestId !== null) fields.requestId = requestId;
      return buildEvent(
        {
          time,
          method,
          uri,
          status,
          bytes: toInt(getPath(json, 'body_bytes_sent') ?? getPath(json, 'bytes_sent')),
          durationMs: seconds === null ? null : Math.round(seconds * 1_000_000) / 1000,
          ip: get('remote_addr') !== null
            ? repeatedKey(checked.line, 'remote_addr') ? null : get('remote_addr')
            : repeatedKey(checked.line, 'realip_remote_addr') ? null : get('realip_remote_addr'),
          host: get('host') ?? get('http_host') ?? get('server_name'),
          userAgent: get('http_user_agent'),
          fields,
        },
        ctx,
      );
    },
  };
}
