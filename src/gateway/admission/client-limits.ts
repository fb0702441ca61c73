import { parseDuration } from '../../shared/duration.js';

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

/** What a slow or greedy client may hold, compiled once at start-up. */
export interface ClientLimits {
  /** Time to receive a whole request head (node's headersTimeout); 408 after it. */
  headerTimeoutMs: number;
  /** A body must keep arriving at bodyMinRate averaged over this span; a complete stall this long ends it. */
  bodyIdleTimeoutMs: number;
  /** Bytes per second. */
  bodyMinRate: number;
  /** Bytes of a body received before it may take an upstream connection (0: stream from the first byte). */
  bodyPrefetch: number;
  maxConcurrentPerIp: number;
  maxConcurrentPerPrefix: number;
  /** Keep-alive connections to the upstream, the reserve included. */
  upstreamConnections: number;
  /** Of those, kept for exempt routes (health checks); 0 when the playbook names no exempt route. */
  reserveForExempt: number;
  /** Requests that may wait for an upstream connection beyond those in use; more are answered 503. */
  upstreamQueue: number;
}

/**
 * Defaults for a public API whose users share addresses. The per-address cap has to let a venue of a few hundred
 * guests behind one NAT upload at once (one upload and a poll each, in the seeds' PWA), and the /24 cap a carrier's
 * CGNAT range holding several such crowds: so 512 and 2,048. What keeps drip uploads from taking the upstream is
 * not those caps but the body rate and the prefetch (a body must show 64 KiB before it gets an upstream connection).
 * Timeouts and the 500 B/s floor are Apache mod_reqtimeout's (header=20, body=20, MinRate=500); a phone on a
 * congested venue Wi-Fi sends a photo at several KB/s.
 */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  headerTimeoutMs: 20_000,
  bodyIdleTimeoutMs: 20_000,
  bodyMinRate: 500,
  bodyPrefetch: 64 * 1024,
  maxConcurrentPerIp: 512,
  maxConcurrentPerPrefix: 2048,
  upstreamConnections: 128,
  reserveForExempt: 8,
  upstreamQueue: 1024,
};

type Fail = (path: string, message: string) => never;

/** Validates `gateway.client_limits` (every error names its field) and fills in the defaults. */
export function compileClientLimits(input: ClientLimitsInput | undefined, hasExemptRoutes: boolean,
  fail: Fail): ClientLimits {
  const at = 'gateway.client_limits';
  const i = input ?? {};
  const d = DEFAULT_CLIENT_LIMITS;
  const duration = (value: string | number | undefined, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    const ms = typeof value === 'string' ? parseDuration(value) : Number.isFinite(value) && value > 0 ? value : undefined;
    if (ms === undefined) return fail(`${at}.${name}`, `"${String(value)}" is not a duration like 20s or 1m`);
    if (ms < 1000) return fail(`${at}.${name}`, `${ms} ms is too short: at least 1s`);
    return ms;
  };
  const count = (value: number | undefined, name: string, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min) {
      return fail(`${at}.${name}`, `${String(value)} is not an integer of at least ${min}`);
    }
    return value;
  };
  const upstreamConnections = count(i.upstream_connections, 'upstream_connections', d.upstreamConnections, 1);
  const reserve = count(i.reserve_for_exempt, 'reserve_for_exempt', Math.min(d.reserveForExempt,
    Math.floor(upstreamConnections / 2)), 0);
  if (reserve >= upstreamConnections) {
    fail(`${at}.reserve_for_exempt`, `${reserve} leaves no upstream connection for ordinary routes `
      + `(upstream_connections is ${upstreamConnections})`);
  }
  const perIp = count(i.max_concurrent_per_ip, 'max_concurrent_per_ip', d.maxConcurrentPerIp, 1);
  const perPrefix = count(i.max_concurrent_per_prefix, 'max_concurrent_per_prefix',
    Math.max(d.maxConcurrentPerPrefix, perIp), 1);
  if (perPrefix < perIp) {
    fail(`${at}.max_concurrent_per_prefix`, `${perPrefix} is below max_concurrent_per_ip (${perIp}): `
      + 'a prefix holds at least one address');
  }
  return {
    headerTimeoutMs: duration(i.header_timeout, 'header_timeout', d.headerTimeoutMs),
    bodyIdleTimeoutMs: duration(i.body_idle_timeout, 'body_idle_timeout', d.bodyIdleTimeoutMs),
    bodyMinRate: count(i.body_min_rate, 'body_min_rate', d.bodyMinRate, 1),
    bodyPrefetch: count(i.body_prefetch, 'body_prefetch', d.bodyPrefetch, 0),
    maxConcurrentPerIp: perIp,
    maxConcurrentPerPrefix: perPrefix,
    upstreamConnections,
    // Without an exempt route nothing could use a reserve: every connection serves ordinary routes.
    reserveForExempt: hasExemptRoutes ? reserve : 0,
    upstreamQueue: count(i.upstream_queue, 'upstream_queue', d.upstreamQueue, 0),
  };
}
