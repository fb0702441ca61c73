import { buildEvent, fail, precheck } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { parseIsoTime } from './time.js';
import type { WallClock } from './zone.js';

// Terminal colours, when uvicorn ran with a TTY (docker -t) and its output was captured anyway.
// eslint-disable-next-line no-control-regex -- ESC starts every colour code
const ANSI = /\x1b\[[0-9;]{0,16}m/g;
const STAMP = '\\[?(\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?: ?(?:Z|[+-]\\d{2}:?\\d{2}))?)\\]?';
const LEVELS = 'TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL';
/** "ERROR:    msg", optionally after a timestamp. */
const LEVEL_PREFIX = new RegExp(`^(?:${STAMP} (?:- )?)?(${LEVELS}):\\s+(.*)$`);
/** Python logging's "%(asctime)s - %(name)s - %(levelname)s - %(message)s". */
const LOGGING_FORMAT = new RegExp(`^${STAMP} - ([\\w.]{1,64}) - (${LEVELS}) - (.*)$`);
const CONTINUATION = /^(?:\s|Traceback |During handling |The above exception |[\w.]{1,128}(?:Error|Exception|Exit|Interrupt|Group)\b)/;

export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ANSI, '') : line;
}

/** uvicorn's own log (startup, shutdown, "Exception in ASGI application", "Invalid HTTP request received."). */
export function uvicornErrorParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'uvicorn-error',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(stripAnsi(line), maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      return parseUvicornLevelLine(checked.line, ctx, clock);
    },
  };
}

/** For a line that passed precheck. */
export function parseUvicornLevelLine(text: string, ctx: ParseContext, clock?: WallClock): ParseResult {
  let stamp: string | undefined;
  let level: string | undefined;
  let message: string | undefined;
  let logger: string | undefined;
  const prefixed = LEVEL_PREFIX.exec(text);
  if (prefixed) {
    [, stamp, level, message] = prefixed;
  } else {
    const logging = LOGGING_FORMAT.exec(text);
    if (!logging) return fail(CONTINUATION.test(text) ? 'continuation' : 'not a uvicorn log line');
    [, stamp, logger, level, message] = logging;
  }
  let time: number | null = null;
  if (stamp !== undefined) {
    time = parseIsoTime(stamp, clock);
    if (time === null) return fail('bad time');
  }
  const decision = message?.startsWith('Exception in ASGI application') ? 'upstream-error' : 'allowed';
  return buildEvent(
    {
      time,
      level: level ?? null,
      message: message ?? '',
      decision,
      status: decision === 'upstream-error' ? 500 : null,
      fields: logger === undefined ? {} : { logger },
    },
    ctx,
  );
}
