import { RampartError } from '../../../shared/errors.js';
import { apacheParser } from './apache.js';
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

export type { LineParser, ParseContext, ParseResult, ParserOptions } from './types.js';
export { EVENT_FIELD_NAMES } from './named-fields.js';

const FACTORIES = {
  nginx: (o: ParserOptions) => nginxParser(o.maxLineLength),
  'nginx-json': (o: ParserOptions) => nginxJsonParser(o.maxLineLength),
  'nginx-error': (o: ParserOptions) => nginxErrorParser(o.maxLineLength),
  apache: (o: ParserOptions) => apacheParser(o.maxLineLength),
  caddy: (o: ParserOptions) => caddyParser(o.maxLineLength),
  traefik: (o: ParserOptions) => traefikParser(o.maxLineLength),
  laravel: (o: ParserOptions) => laravelParser(o.maxLineLength),
  uvicorn: (o: ParserOptions) => uvicornParser(o.maxLineLength),
  'uvicorn-error': (o: ParserOptions) => uvicornErrorParser(o.maxLineLength),
  jsonl: (o: ParserOptions) => jsonlParser(o.fields, o.maxLineLength),
  regex: (o: ParserOptions) => regexParser(o.pattern, o.maxLineLength),
} satisfies Record<string, (options: ParserOptions) => LineParser>;

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
  return neverThrows(FACTORIES[format](options));
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
