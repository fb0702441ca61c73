import { asObject, parseJsonObject, repeatedKey } from './json-line.js';
import { buildEvent, fail, precheck, stripQuery, toFloat, toInt, toStatus, toText } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { parseAnyTime } from './time.js';
import type { WallClock } from './zone.js';

/**
 * Caddy 2 JSON access log (logger "http.log.access[.name]"): `ts` in epoch seconds (or a string when a
 * time_format is set), `duration` in seconds (or a Go duration string), request.client_ip when trusted proxies
 * are configured, else request.remote_ip. Other Caddy loggers become message-only events.
 */
export function caddyParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'caddy',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const json = parseJsonObject(checked.line);
      if (typeof json === 'string') return fail(json);
      if (json.ts === undefined) return fail('no ts: not a Caddy log entry');
      const time = parseAnyTime(json.ts, clock);
      if (time === null) return fail('bad time');
      const request = asObject(json.request);
      const level = toText(json.level);
      const message = toText(json.msg);
      const fields: Record<string, FieldValue> = {};
      const logger = toText(json.logger);
      if (logger !== null) fields.logger = logger;
      if (request === null) return buildEvent({ time, level, message, fields }, ctx);

      const status = toStatus(json.status);
      if (status === null) return fail('no status');
      const headers = asObject(request.headers);
      const referer = header(headers, 'Referer');
      if (referer !== null) fields.referer = stripQuery(referer);
      const proto = toText(request.proto);
      if (proto !== null) fields.protocol = proto;
      const error = toText(json.err ?? json.error);
      return buildEvent(
        {
          time,
          method: toText(request.method),
          uri: toText(request.uri),
          status,
          bytes: toInt(json.size),
          durationMs: caddyDuration(json.duration),
          ip: addressOf(checked.line, request),
          host: toText(request.host),
          userAgent: header(headers, 'User-Agent'),
          level,
          message: error ?? message,
          fields,
        },
        ctx,
      );
    },
  };
}

/** client_ip (set from trusted proxies) else remote_ip; none when the line repeats the key it came from. */
function addressOf(line: string, request: Record<string, unknown>): string | null {
  const key = toText(request.client_ip) !== null ? 'client_ip' : 'remote_ip';
  return repeatedKey(line, `request.${key}`) ? null : toText(request[key]);
}

/** Caddy writes headers as arrays of strings, canonical case. */
function header(headers: Record<string, unknown> | null, name: string): string | null {
  if (headers === null) return null;
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(value)) return toText(value[0]);
  return toText(value);
}

const GO_DURATION = /^(\d+(?:\.\d+)?)(ns|µs|us|ms|s|m)$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000, m: 60_000 };

function caddyDuration(value: unknown): number | null {
  if (typeof value === 'string') {
    const m = GO_DURATION.exec(value);
    return m ? Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000) * 1000) / 1000 : null;
  }
  const seconds = toFloat(value);
  return seconds === null ? null : Math.round(seconds * 1_000_000) / 1000;
}
