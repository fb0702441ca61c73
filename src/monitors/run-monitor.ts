import { describeStatus } from '../playbook/index.js';
import type { Clock } from '../shared/clock.js';
import type { CompiledMonitor } from './compile-monitor.js';

/** What one run of a monitor found; `failures` names each failed assertion, empty when ok. */
export interface MonitorRunResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  failures: string[];
  at: string;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RunMonitorDeps {
  clock: Clock;
  fetch?: FetchLike;
  /** A monotonic millisecond timer for latency; tests inject one to prove the latency bound. */
  elapsed?: () => number;
  /** Aborts a request after the monitor's timeout; tests inject one they abort themselves. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** Body bytes read for `body_contains`: enough for a health page, bounded against a huge or endless body. */
const MAX_BODY_BYTES = 1_000_000;

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Names a transport failure by its code, never by a message that could quote the URL (it may hold a token). */
function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return `request failed${code ? `: ${code}` : ''}`;
}

function check(
  monitor: CompiledMonitor,
  response: Response,
  latencyMs: number,
  body: string | undefined,
): string[] {
  const e = monitor.expect;
  const failures: string[] = [];
  if (e.status && !e.status.some((r) => response.status >= r.from && response.status <= r.to))
    failures.push(`expected status ${describeStatus(e.status)}, got ${response.status}`);
  for (const name of e.headersPresent ?? [])
    if (!response.headers.has(name)) failures.push(`header ${name.toLowerCase()} missing`);
  for (const [name, expected] of Object.entries(e.headers ?? {})) {
    const actual = response.headers.get(name);
    if (actual === null) failures.push(`header ${name.toLowerCase()} missing`);
    else if (actual !== expected)
      failures.push(`header ${name.toLowerCase()} expected "${expected}", got "${actual.slice(0, 200)}"`);
  }
  if (e.latencyMaxMs !== undefined && latencyMs > e.latencyMaxMs)
    failures.push(`latency ${latencyMs} ms over ${e.latencyMaxMs} ms`);
  if (e.bodyContains !== undefined && !(body ?? '').includes(e.bodyContains))
    failures.push(`body lacks "${e.bodyContains.slice(0, 200)}"`);
  return failures;
}

/**
 * Runs one synthetic check: `repeat` requests in a row (the seed's "10 requests in a row"), the expectations
 * applied to the last answer. Redirects are not followed, like `curl -I`. Never throws for a network failure:
 * that is a failed check.
 */
export async function runMonitor(monitor: CompiledMonitor, deps: RunMonitorDeps): Promise<MonitorRunResult> {
  const doFetch = deps.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const elapsed = deps.elapsed ?? (() => performance.now());
  const timeoutSignal = deps.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  const at = deps.clock.now().toISOString();
  let status: number | null = null;
  let latencyMs = 0;
  for (let i = 1; i <= monitor.repeat; i += 1) {
    const started = elapsed();
    try {
      const response = await doFetch(monitor.url, {
        method: monitor.method,
        headers: monitor.headers,
        ...(monitor.body !== undefined ? { body: monitor.body } : {}),
        redirect: 'manual',
        signal: timeoutSignal(monitor.timeoutMs),
      });
      const last = i === monitor.repeat;
      const body =
        last && monitor.expect.bodyContains !== undefined ? await readBounded(response) : undefined;
      if (body === undefined) await response.body?.cancel();
      latencyMs = Math.round(elapsed() - started);
      status = response.status;
      if (last) {
        const failures = check(monitor, response, latencyMs, body);
        return { ok: failures.length === 0, status, latencyMs, failures, at };
      }
    } catch (error) {
      latencyMs = Math.round(elapsed() - started);
      const which = monitor.repeat > 1 ? `request ${i} of ${monitor.repeat}: ` : '';
      return {
        ok: false,
        status,
        latencyMs,
        failures: [`${which}${describeError(error, monitor.timeoutMs)}`],
        at,
      };
    }
  }
  /* c8 ignore next */
  return { ok: false, status, latencyMs, failures: ['no request was sent'], at };
}
