import { CLIENT_LIMIT_MAXIMA as MAX, DEFAULT_CLIENT_LIMITS, type ClientLimits } from '../../domain/client-limits.js';
import { parseDuration } from '../../shared/duration.js';

export { DEFAULT_CLIENT_LIMITS, type ClientLimits };

/** The playbook's `gateway.client_limits`, as written (durations as text or milliseconds). */
export interface ClientLimitsInput {
  header_timeout?: string | number;
  body_idle_timeout?: string | number;
  body_min_rate?: number;
  body_prefetch?: number;
  max_concurrent_per_ip?: number;
  max_concurrent_per_prefix?: number;
  upstream_connections?: number;
  reserve_for_exempt?: number;
  upstream_queue?: number;
}

type Fail = (path: string, message: string) => never;

/** Validates `gateway.client_limits` (every error names its field and the bound) and fills in the defaults. */
export function compileClientLimits(input: ClientLimitsInput | undefined, hasExemptRoutes: boolean,
  fail: Fail): ClientLimits {
  const at = 'gateway.client_limits';
  const i = input ?? {};
  const d = DEFAULT_CLIENT_LIMITS;
  const duration = (value: string | number | undefined, name: string, key: keyof ClientLimits): number => {
    if (value === undefined) return d[key];
    const ms = typeof value === 'string' ? parseDuration(value) : Number.isFinite(value) && value > 0 ? value : undefined;
    if (ms === undefined) return fail(`${at}.${name}`, `"${String(value)}" is not a duration like 20s or 1m`);
    if (ms < 1000 || ms > MAX[key]) {
      return fail(`${at}.${name}`, `${String(value)} is not between 1s and ${MAX[key] / 60_000}m`);
    }
    return ms;
  };
  const count = (value: number | undefined, name: string, key: keyof ClientLimits, min: number,
    fallback = d[key]): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > MAX[key]) {
      return fail(`${at}.${name}`, `${String(value)} is not a whole number from ${min} to ${MAX[key]}`);
    }
    return value;
  };
  const upstreamConnections = count(i.upstream_connections, 'upstream_connections', 'upstreamConnections', 1);
  const reserve = count(i.reserve_for_exempt, 'reserve_for_exempt', 'reserveForExempt', 0,
    Math.min(d.reserveForExempt, Math.floor(upstreamConnections / 2)));
  if (reserve >= upstreamConnections) {
    fail(`${at}.reserve_for_exempt`, `${reserve} leaves no upstream connection for ordinary routes `
      + `(upstream_connections is ${upstreamConnections})`);
  }
  const perIp = count(i.max_concurrent_per_ip, 'max_concurrent_per_ip', 'maxConcurrentPerIp', 1);
  const perPrefix = count(i.max_concurrent_per_prefix, 'max_concurrent_per_prefix', 'maxConcurrentPerPrefix', 1,
    Math.max(d.maxConcurrentPerPrefix, perIp));
  if (perPrefix < perIp) {
    fail(`${at}.max_concurrent_per_prefix`, `${perPrefix} is below max_concurrent_per_ip (${perIp}): `
      + 'a prefix holds at least one address');
  }
  return {
    headerTimeoutMs: duration(i.header_timeout, 'header_timeout', 'headerTimeoutMs'),
    bodyIdleTimeoutMs: duration(i.body_idle_timeout, 'body_idle_timeout', 'bodyIdleTimeoutMs'),
    bodyMinRate: count(i.body_min_rate, 'body_min_rate', 'bodyMinRate', 1),
    bodyPrefetch: count(i.body_prefetch, 'body_prefetch', 'bodyPrefetch', 0),
    maxConcurrentPerIp: perIp,
    maxConcurrentPerPrefix: perPrefix,
    upstreamConnections,
    // Without an exempt route nothing could use a reserve: every connection serves ordinary routes.
    reserveForExempt: hasExemptRoutes ? reserve : 0,
    upstreamQueue: count(i.upstream_queue, 'upstream_queue', 'upstreamQueue', 0),
  };
}
