/**
 * The times nginx appends after the user agent in its usual log formats: `$request_time`, optionally followed by
 * `$upstream_response_time` ("-" when no upstream was asked), each optionally quoted. What the regex
 *   /^"?(\d+(?:\.\d+)?)"?(?: "?(-|\d+(?:\.\d+)?)"?)?$/
 * accepts, read with a character loop: the regex, its match array and Number() were a tenth of what parsing an
 * access line cost (bench/detector/README.md). Tested against that regex (request-times.test.ts).
 */

/** The request time of the last successful readTimes, in milliseconds (to the microsecond). */
let requestMs = 0;
/** The upstream time of the last successful readTimes as logged ("0.010", "-"), or undefined when absent. */
let upstream: string | undefined;

export const lastRequestMs = (): number => requestMs;
export const lastUpstreamTime = (): string | undefined => upstream;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The end of `\d+(?:\.\d+)?` read from `at`, or -1 when none starts there. */
function numberEnd(text: string, at: number): number {
  let i = at;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === at) return -1;
  if (text.charCodeAt(i) !== 46) return i;
  const fraction = ++i;
  while (isDigit(text.charCodeAt(i))) i++;
  // "12." is no number, and nothing else may follow the digits in its place.
  return i === fraction ? -1 : i;
}

/** Whether `rest` is such a pair; its values are then in lastRequestMs() and lastUpstreamTime(). */
export function readTimes(rest: string): boolean {
  const n = rest.length;
  let i = rest.charCodeAt(0) === 34 ? 1 : 0;
  const start = i;
  const end = numberEnd(rest, i);
  if (end < 0) return false;
  i = end;
  if (rest.charCodeAt(i) === 34) i++;
  let second: string | undefined;
  if (i < n) {
    if (rest.charCodeAt(i) !== 32) return false;
    i++;
    if (rest.charCodeAt(i) === 34) i++;
    const from = i;
    if (rest.charCodeAt(i) === 45) i++;
    else if ((i = numberEnd(rest, i)) < 0) return false;
    const to = i;
    if (rest.charCodeAt(i) === 34) i++;
    if (i !== n) return false;
    second = rest.slice(from, to);
  }
  requestMs = millis(rest, start, end);
  upstream = second;
  return true;
}

const SCALE = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

/**
 * Seconds as written ("0.012") → milliseconds to the microsecond: Math.round(Number(text) * 1e6) / 1000. With at
 * most 9 whole and 6 fraction digits the microseconds are counted exactly as an integer, which is what that
 * expression gives too (its error stays far below half a microsecond under 2^51 µs); anything longer takes
 * Number().
 */
function millis(text: string, start: number, end: number): number {
  let whole = 0;
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) break;
    whole = whole * 10 + (c - 48);
  }
  const digits = end - i - 1;
  if (i - start > 9 || digits > 6) return Math.round(Number(text.slice(start, end)) * 1_000_000) / 1000;
  let fraction = 0;
  for (let k = i + 1; k < end; k++) fraction = fraction * 10 + (text.charCodeAt(k) - 48);
  const micros = whole * 1_000_000 + (digits > 0 ? fraction * (SCALE[digits] as number) : 0);
  return micros / 1000;
}
