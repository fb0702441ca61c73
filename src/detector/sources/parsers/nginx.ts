import { clfEvent, matchClf } from './clf.js';
import { fail, precheck } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';

const SECONDS = /^\d+(?:\.\d+)?$/;
const TIMES = /^"?(\d+(?:\.\d+)?)"?(?: "?(-|\d+(?:\.\d+)?)"?)?$/;

/**
 * nginx `combined` (and `main`/common): the fields after the user agent may be `$request_time` and then
 * `$upstream_response_time` ("0.012", "-", or "0.010, 0.002" when nginx retried upstreams), each optionally quoted.
 */
export function nginxParser(maxLineLength?: number): LineParser {
  return {
    format: 'nginx',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const match = matchClf(checked.line);
      if (typeof match === 'string') return fail(match);
      let durationMs: number | null = null;
      const extra: Record<string, FieldValue> = {};
      const simple = match.rest === null ? null : TIMES.exec(match.rest);
      if (simple) {
        // The common case, "0.012 0.010", without splitting.
        durationMs = Math.round(Number(simple[1]) * 1_000_000) / 1000;
        const upstreamTime = simple[2];
        if (upstreamTime !== undefined && upstreamTime !== '-') extra.upstreamResponseTime = upstreamTime;
      } else if (match.rest !== null) {
        const words = match.rest.split(' ', 8).map((word) => word.replace(/^"|"$/g, ''));
        const pairs = words.filter((word) => word.includes('='));
        if (pairs.length > 0) {
          // The other common habit: "rt=0.012 uct=0.001 urt=0.010".
          for (const pair of pairs) {
            const [key = '', value = ''] = pair.split('=', 2);
            if ((key === 'rt' || key === 'request_time') && SECONDS.test(value)) {
              durationMs = Math.round(Number(value) * 1_000_000) / 1000;
            } else if (/^\w{1,32}$/.test(key) && value !== '' && value !== '-') {
              extra[key] = value;
            }
          }
          return clfEvent(match, ctx, durationMs, extra);
        }
        const [requestTime, ...upstream] = words;
        if (requestTime !== undefined && SECONDS.test(requestTime)) {
          durationMs = Math.round(Number(requestTime) * 1_000_000) / 1000;
          const upstreamTime = upstream.join(' ').trim();
          if (upstreamTime !== '' && upstreamTime !== '-') extra.upstreamResponseTime = upstreamTime;
        }
      }
      return clfEvent(match, ctx, durationMs, extra);
    },
  };
}
