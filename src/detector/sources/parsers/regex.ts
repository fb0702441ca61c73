import { RampartError } from '../../../shared/errors.js';
import { eventFromNamed, isEventFieldName } from './named-fields.js';
import type { EventFieldName } from './named-fields.js';
import { fail, precheck } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import type { WallClock } from './zone.js';

/** Compiles a custom pattern once; a bad one fails at start-up with the reason. */
export function compilePattern(pattern: string): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new RampartError('RAMPART_CONFIG', `regex log pattern does not compile: ${(error as Error).message}`);
  }
  if (!/\(\?<[A-Za-z_]\w*>/.test(pattern)) {
    throw new RampartError('RAMPART_CONFIG', 'regex log pattern has no named groups (e.g. (?<ip>\\S+))');
  }
  return regex;
}

/**
 * A custom regex with named groups: ip, time, method, path, status, bytes, duration_ms, token, tenant, event,
 * subject, route, host, user_agent, message, level; other groups become fields. The pattern is the operator's:
 * lines are capped in length, but a pattern with nested quantifiers can still be slow on hostile lines.
 */
export function regexParser(pattern?: string, maxLineLength?: number, clock?: WallClock): LineParser {
  const base = pattern === undefined ? null : compilePattern(pattern);
  let lastPattern: string | undefined;
  let lastRegex: RegExp | null = null;
  return {
    format: 'regex',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      let regex = base;
      if (regex === null) {
        if (ctx.pattern === undefined) return fail('no pattern configured');
        if (ctx.pattern !== lastPattern) {
          lastPattern = ctx.pattern;
          try {
            lastRegex = compilePattern(ctx.pattern);
          } catch {
            lastRegex = null;
          }
        }
        if (lastRegex === null) return fail('pattern does not compile');
        regex = lastRegex;
      }
      const m = regex.exec(checked.line);
      if (!m) return fail('no match');
      const values: Partial<Record<EventFieldName, unknown>> = {};
      const extra: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value === undefined) continue;
        if (isEventFieldName(name)) values[name] = value;
        else extra[name] = value;
      }
      return eventFromNamed(values, extra, ctx, clock);
    },
  };
}
