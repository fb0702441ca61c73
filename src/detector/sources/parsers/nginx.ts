import { CLF, clfMatchEvent } from './clf.js';
import { BINARY, DEFAULT_MAX_LINE_LENGTH, fail, precheck } from './normalize.js';
import type { FieldValue } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { lastRequestMs, lastUpstreamTime, readTimes } from './request-times.js';

const SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * nginx `combined` (and `main`/common): the fields after the user agent may be `$request_time` and then
 * `$upstream_response_time` ("0.012", "-", or "0.010, 0.002" when nginx retried upstreams), each optionally quoted.
 *
 * The hot path of `logs replay`: the line is matched once, and precheck's binary-data test runs only on lines
 * that do not match (the CLF classes admit no control characters), with the same reasons as precheck gives.
 */
export function nginxParser(
  maxLineLength = DEFAULT_MAX_LINE_LENGTH,
  refusalStatuses: readonly number[] = [],
): LineParser {
  const refusals = new Set(refusalStatuses);
  /**
   * A request nginx refused itself (limit_req, limit_conn: 503 unless limit_req_status says otherwise) is not
   * the app failing. It is told apart by the upstream time: "-" when no upstream was asked. A 429 or 503
   * without one, or a status the source names in refusal_statuses (then whether or not the format logs the
   * upstream time), reads as rate-limited by the proxy.
   */
  const refused = (result: ParseResult, upstream: 'asked' | 'not asked' | 'not logged'): ParseResult => {
    if (!result.ok) return result;
    const event = result.event;
    const status = event.status;
    if (upstream === 'asked' || (status !== 429 && status !== 503 && !refusals.has(status))) return result;
    if (upstream === 'not logged' && !refusals.has(status)) return result;
    event.decision = 'rate-limited';
    event.rule = 'nginx:refused';
    return result;
  };
  return {
    format: 'nginx',
    parse(line: string, ctx: ParseContext): ParseResult {
      if (typeof line !== 'string' || line.length > maxLineLength) {
        const checked = precheck(line, maxLineLength);
        return fail('reason' in checked ? checked.reason : 'not a combined log line');
      }
      const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
      // A line starting with a visible ASCII character is not blank: trim() only for the rest.
      const head = text.charCodeAt(0);
      if (!(head > 32 && head < 127) && text.trim() === '') return fail('empty line');
      const m = CLF.exec(text);
      if (m === null) return fail(BINARY.test(text) ? 'binary data' : 'not a combined log line');
      let durationMs: number | null = null;
      const extra: Record<string, FieldValue> = {};
      const rest = m[9];
      if (rest !== undefined && readTimes(rest)) {
        // The common case, "0.012 0.010", without splitting.
        durationMs = lastRequestMs();
        const upstreamTime = lastUpstreamTime();
        if (upstreamTime !== undefined && upstreamTime !== '-') extra.upstreamResponseTime = upstreamTime;
        const status = m[5];
        if (status === '503' || status === '429' || refusals.size > 0) {
          const upstream = upstreamTime === undefined ? 'not logged' : upstreamTime === '-' ? 'not asked' : 'asked';
          return refused(clfMatchEvent(m, ctx, durationMs, extra), upstream);
        }
      } else if (rest !== undefined) {
        const words = rest.split(' ', 8).map((word) => word.replace(/^"|"$/g, ''));
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
          const urt = pairs.find((pair) => pair.startsWith('urt=') || pair.startsWith('upstream_response_time='));
          const upstream = urt === undefined ? 'not logged' : urt.endsWith('=-') ? 'not asked' : 'asked';
          return refused(clfMatchEvent(m, ctx, durationMs, extra), upstream);
        }
        const [requestTime, ...upstream] = words;
        if (requestTime !== undefined && SECONDS.test(requestTime)) {
          durationMs = Math.round(Number(requestTime) * 1_000_000) / 1000;
          const upstreamTime = upstream.join(' ').trim();
          if (upstreamTime !== '' && upstreamTime !== '-') extra.upstreamResponseTime = upstreamTime;
          const logged = upstreamTime === '' ? 'not logged' : upstreamTime === '-' ? 'not asked' : 'asked';
          return refused(clfMatchEvent(m, ctx, durationMs, extra), logged);
        }
      }
      return refusals.size > 0 ? refused(clfMatchEvent(m, ctx, durationMs, extra), 'not logged') : clfMatchEvent(m, ctx, durationMs, extra);
    },
  };
}
