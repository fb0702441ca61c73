import { buildEvent, fail, precheck } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { redactRequestLine } from '../../../shared/redact-query.js';
import { parseIsoTime } from './time.js';
import type { WallClock } from './zone.js';
import { parseUvicornLevelLine, stripAnsi } from './uvicorn-error.js';

// uvicorn.logging.AccessFormatter: '%s - "%s %s HTTP/%s" %d' + the status phrase in the default format.
const REQUEST = /^"([A-Z]{1,16}) (\S{1,8192}) HTTP\/(\d(?:\.\d)?)" (\d{3})(?: [^"]*)?$/;
const LEADING_STAMP = /^\[?(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?)\]?/;
const LEVEL = /\b(TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL)\b/;

/**
 * uvicorn access log: `INFO:     127.0.0.1:54321 - "GET /bookings HTTP/1.1" 200 OK`, with or without a
 * leading timestamp. Without one the event takes ctx.now (the tailer's read time). Level lines that are not
 * access lines are read as uvicorn-error, since both loggers often share one stream.
 */
export function uvicornParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'uvicorn',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(stripAnsi(line), maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const text = checked.line;
      // Found with indexOf, not an unanchored regex, so a long line costs one scan.
      const dash = text.indexOf(' - "');
      if (dash < 0) return parseUvicornLevelLine(text, ctx, clock);
      const request = REQUEST.exec(text.slice(dash + 3));
      if (!request) return parseUvicornLevelLine(text, ctx, clock);
      const clientStart = text.lastIndexOf(' ', dash - 1) + 1;
      const prefix = text.slice(0, clientStart);
      let time: number | null = null;
      const stamp = LEADING_STAMP.exec(prefix);
      if (stamp) {
        time = parseIsoTime(stamp[1] ?? '', clock);
        if (time === null) return fail('bad time');
      }
      return buildEvent(
        {
          time,
          method: request[1] ?? '',
          uri: request[2] ?? '',
          status: Number(request[4]),
          ip: withoutPort(text.slice(clientStart, dash)),
          level: LEVEL.exec(prefix)?.[1] ?? null,
          fields: {
            protocol: `HTTP/${request[3] ?? ''}`,
            request: redactRequestLine(`${request[1] ?? ''} ${request[2] ?? ''} HTTP/${request[3] ?? ''}`),
          },
        },
        ctx,
      );
    },
  };
}

/** uvicorn prints "host:port" even for IPv6 ("::1:54321"), so the last ":digits" is always the port. */
function withoutPort(client: string): string {
  const colon = client.lastIndexOf(':');
  return colon > 0 && /^\d{1,5}$/.test(client.slice(colon + 1)) ? client.slice(0, colon) : client;
}
