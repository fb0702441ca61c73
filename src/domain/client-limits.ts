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
export const DEFAULT_CLIENT_LIMITS: Readonly<ClientLimits> = {
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

/**
 * Upper bounds, so no playbook can ask for a limit that is no limit: prefetch memory is per request, and a
 * timeout longer than minutes is a slowloris invitation.
 */
export const CLIENT_LIMIT_MAXIMA: Readonly<ClientLimits> = {
  headerTimeoutMs: 600_000,
  bodyIdleTimeoutMs: 600_000,
  bodyMinRate: 100_000_000,
  bodyPrefetch: 1024 * 1024,
  maxConcurrentPerIp: 1_000_000,
  maxConcurrentPerPrefix: 1_000_000,
  upstreamConnections: 4096,
  reserveForExempt: 4096,
  upstreamQueue: 100_000,
};

/**
 * The limits in force for what a playbook set: the defaults for the rest. The reserve defaults to at most half
 * the connections, and to none without an exempt route to use it; the /24 cap to at least the address cap.
 */
export function withClientLimitDefaults(given: Partial<ClientLimits>, hasExemptRoutes: boolean): ClientLimits {
  const d = DEFAULT_CLIENT_LIMITS;
  const upstreamConnections = given.upstreamConnections ?? d.upstreamConnections;
  const maxConcurrentPerIp = given.maxConcurrentPerIp ?? d.maxConcurrentPerIp;
  const reserve = given.reserveForExempt ?? Math.min(d.reserveForExempt, Math.floor(upstreamConnections / 2));
  return {
    headerTimeoutMs: given.headerTimeoutMs ?? d.headerTimeoutMs,
    bodyIdleTimeoutMs: given.bodyIdleTimeoutMs ?? d.bodyIdleTimeoutMs,
    bodyMinRate: given.bodyMinRate ?? d.bodyMinRate,
    bodyPrefetch: given.bodyPrefetch ?? d.bodyPrefetch,
    maxConcurrentPerIp,
    maxConcurrentPerPrefix: given.maxConcurrentPerPrefix ?? Math.max(d.maxConcurrentPerPrefix, maxConcurrentPerIp),
    upstreamConnections,
    reserveForExempt: hasExemptRoutes ? reserve : 0,
    upstreamQueue: given.upstreamQueue ?? d.upstreamQueue,
  };
}
