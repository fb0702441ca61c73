import {
  CLIENT_LIMIT_MAXIMA as MAX,
  DEFAULT_CLIENT_LIMITS,
  withClientLimitDefaults,
  type ClientLimits,
} from '../../domain/client-limits.js';
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
  const duration = (value: string | number | undefined, name: string, key: keyof ClientLimits): number | undefined => {
    if (value === undefined) return undefined;
    const ms = typeof value === 'string' ? parseDuration(value) : Number.isFinite(value) && value > 0 ? value : undefined;
    if (ms === undefined) return fail(`${at}.${name}`, `"${String(value)}" is not a duration like 20s or 1m`);
    if (ms < 1000 || ms > MAX[key]) {
      return fail(`${at}.${name}`, `${String(value)} is not between 1s and ${MAX[key] / 60_000}m`);
    }
    return ms;
  };
  const count = (value: number | undefined, name: string, key: keyof ClientLimits, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < min || value > MAX[key]) {
      return fail(`${at}.${name}`, `${String(value)} is not a whole number from ${min} to ${MAX[key]}`);
    }
    return value;
  };
  const given: Partial<ClientLimits> = {};
  const set = <K extends keyof ClientLimits>(key: K, value: number | undefined): void => {
    if (value !== undefined) given[key] = value;
  };
  set('headerTimeoutMs', duration(i.header_timeout, 'header_timeout', 'headerTimeoutMs'));
  set('bodyIdleTimeoutMs', duration(i.body_idle_timeout, 'body_idle_timeout', 'bodyIdleTimeoutMs'));
  set('bodyMinRate', count(i.body_min_rate, 'body_min_rate', 'bodyMinRate', 1));
  set('bodyPrefetch', count(i.body_prefetch, 'body_prefetch', 'bodyPrefetch', 0));
  set('maxConcurrentPerIp', count(i.max_concurrent_per_ip, 'max_concurrent_per_ip', 'maxConcurrentPerIp', 1));
  set('maxConcurrentPerPrefix',
    count(i.max_concurrent_per_prefix, 'max_concurrent_per_prefix', 'maxConcurrentPerPrefix', 1));
  set('upstreamConnections', count(i.upstream_connections, 'upstream_connections', 'upstreamConnections', 1));
  set('reserveForExempt', count(i.reserve_for_exempt, 'reserve_for_exempt', 'reserveForExempt', 0));
  set('upstreamQueue', count(i.upstream_queue, 'upstream_queue', 'upstreamQueue', 0));
  // Checked with the reserve as written: a reserve that would be unused (no exempt route) is still an error.
  const limits = withClientLimitDefaults(given, true);
  if (limits.reserveForExempt >= limits.upstreamConnections) {
    fail(`${at}.reserve_for_exempt`, `${limits.reserveForExempt} leaves no upstream connection for ordinary routes `
      + `(upstream_connections is ${limits.upstreamConnections})`);
  }
  if (limits.maxConcurrentPerPrefix < limits.maxConcurrentPerIp) {
    fail(`${at}.max_concurrent_per_prefix`, `${limits.maxConcurrentPerPrefix} is below max_concurrent_per_ip `
      + `(${limits.maxConcurrentPerIp}): a prefix holds at least one address`);
  }
  return hasExemptRoutes ? limits : { ...limits, reserveForExempt: 0 };
}
