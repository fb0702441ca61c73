import { getPath, parseJsonObject, repeatedKey } from './json-line.js';
import { buildEvent, fail, precheck, stripQuery, toInt, toStatus, toText } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { parseAnyTime } from './time.js';
import type { WallClock } from './zone.js';

/**
 * Traefik JSON access log (accessLog.format=json): Duration in nanoseconds, StartUTC with nanosecond
 * fractions, RequestPath with its query, headers as "request_<Name>" when kept.
 */
export function traefikParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'traefik',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const json = parseJsonObject(checked.line);
      if (typeof json === 'string') return fail(json);
      const start = json.StartUTC ?? json.StartLocal ?? json.time;
      if (start === undefined) return fail('no StartUTC: not a Traefik access log entry');
      const time = parseAnyTime(start, clock);
      if (time === null) return fail('bad time');
      const status = toStatus(json.DownstreamStatus ?? json.OriginStatus);
      if (status === null) return fail('no status');
      const nanos = toInt(json.Duration);
      const fields: Record<string, FieldValue> = {};
      for (const [from, to] of [
        ['RouterName', 'router'],
        ['ServiceName', 'serviceName'],
        ['entryPointName', 'entryPoint'],
        ['RequestProtocol', 'protocol'],
        ['RequestScheme', 'scheme'],
      ] as const) {
        const value = toText(json[from]);
        if (value !== null) fields[to] = value;
      }
      const originStatus = toInt(json.OriginStatus);
      if (originStatus !== null) fields.originStatus = originStatus;
      const referer = toText(getPath(json, 'request_Referer'));
      if (referer !== null) fields.referer = stripQuery(referer);
      return buildEvent(
        {
          time,
          method: toText(json.RequestMethod),
          uri: toText(json.RequestPath),
          status,
          bytes: toInt(json.DownstreamContentSize),
          durationMs: nanos === null ? null : Math.round(nanos / 1000) / 1000,
          ip: toText(json.ClientHost) !== null
            ? repeatedKey(checked.line, 'ClientHost') ? null : toText(json.ClientHost)
            : repeatedKey(checked.line, 'ClientAddr') ? null : toText(json.ClientAddr),
          host: toText(json.RequestHost) ?? toText(json.RequestAddr),
          userAgent: toText(getPath(json, 'request_User-Agent')),
          level: toText(json.level),
          fields,
        },
        ctx,
      );
    },
  };
}
