import { RampartError } from '../../../shared/errors.js';
import { apacheErrorParser } from './apache-error.js';
import { apacheParser } from './apache.js';
import { stripPrefix } from './line-prefix.js';
import { caddyParser } from './caddy.js';
import { jsonlParser } from './jsonl.js';
import { laravelParser } from './laravel.js';
import { nginxErrorParser } from './nginx-error.js';
import { nginxJsonParser } from './nginx-json.js';
import { nginxParser } from './nginx.js';
import { regexParser } from './regex.js';
import { traefikParser } from './traefik.js';
import type { LineParser, ParseContext, ParseResult, ParserOptions } from './types.js';
import { uvicornErrorParser } from './uvicorn-error.js';
import { uvicornParser } from './uvicorn.js';
import { wallClock } from './zone.js';
import type { WallClock } from './zone.js';

export type { LineParser, ParseContext, ParseResult, ParserOptions } from './types.js';
export { EVENT_FIELD_NAMES } from './named-fields.js';

const FACTORIES = {
  nginx: (o: ParserOptions) => nginxParser(o.maxLineLength, o.refusalStatuses),
  'nginx-json': (o: ParserOptions, c: WallClock) => nginxJsonParser(o.maxLineLength, c),
  'nginx-error': (o: ParserOptions, c: WallClock) => nginxErrorParser(o.maxLineLength, c),
  apache: (o: ParserOptions) => apacheParser(o.maxLineLength),
  'apache-error': (o: ParserOptions, c: WallClock) => apacheErrorParser(o.maxLineLength, c),
  caddy: (o: ParserOptions, c: WallClock) => caddyParser(o.maxLineLength, c),
  traefik: (o: ParserOptions, c: WallClock) => traefikParser(o.maxLineLength, c),
  laravel: (o: ParserOptions, c: WallClock) => laravelParser(o.maxLineLength, c),
  uvicorn: (o: ParserOptions, c: WallClock) => uvicornParser(o.maxLineLength, c),
  'uvicorn-error': (o: ParserOptions, c: WallClock) => uvicornErrorParser(o.maxLineLength, c),
  jsonl: (o: ParserOptions, c: WallClock) => jsonlParser(o.fields, o.maxLineLength, c),
  regex: (o: ParserOptions, c: WallClock) => regexParser(o.pattern, o.maxLineLength, c),
} satisfies Record<string, (options: ParserOptions, clock: WallClock) => LineParser>;

export type LogFormat = keyof typeof FACTORIES;
export const LOG_FORMATS = Object.keys(FACTORIES) as LogFormat[];

export function isLogFormat(format: string): format is LogFormat {
  return Object.hasOwn(FACTORIES, format);
}

/**
 * The parser for a format, built once at start-up: an unknown format, a bad regex or a bad field mapping
 * throws RAMPART_CONFIG here, never per line. The parser it returns never throws.
 */
export function getParser(format: string, options: ParserOptions = {}): LineParser {
  if (!isLogFormat(format)) {
    throw new RampartError('RAMPART_CONFIG', `unknown log format "${format}" (known: ${LOG_FORMATS.join(', ')})`, [
      { path: 'format', message: `unknown log format "${format}"` },
    ]);
  }
  if (format === 'regex' && options.pattern === undefined) {
    throw new RampartError('RAMPART_CONFIG', 'log format "regex" needs a pattern with named groups');
  }
  const clock = wallClock(options.timezone);
  const parser = FACTORIES[format](options, clock);
  // A custom pattern is written for the whole line, a collector's prefix included.
  return neverThrows(format === 'regex' ? parser : withPrefixes(parser, clock));
}

/**
 * Reads a line behind a syslog, journald or docker prefix as its format; the prefix's time stands in for lines
 * that carry none of their own. Lines without a prefix cost one character test.
 */
function withPrefixes(parser: LineParser, clock: WallClock): LineParser {
  return {
    format: parser.format,
    parse(line: string, ctx: ParseContext): ParseResult {
      const prefix = typeof line === 'string' ? stripPrefix(line, clock) : null;
      if (prefix === null) return parser.parse(line, ctx);
      return parser.parse(prefix.line, prefix.time === null ? ctx : { ...ctx, now: prefix.time });
    },
  };
}

/** A bug in one parser must cost one line, not the detector. */
function neverThrows(parser: LineParser): LineParser {
  return {
    format: parser.format,
    parse(line: string, ctx: ParseContext): ParseResult {
      try {
        return parser.parse(line, ctx);
      } catch (error) {
        return { ok: false, reason: `parser error: ${error instanceof Error ? error.name : 'unknown'}` };
      }
    },
  };
}
