export interface RatePolicy {
  limit: number;
  windowMs: number;
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Requests still allowed right now. */
  remaining: number;
  /** Milliseconds until the quota is whole again. */
  resetMs: number;
  /** When refused: milliseconds until one request is allowed again; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * Counts one request against `limitName` for `key`. The memory limiter answers synchronously; a Redis limiter
 * may return a promise, and the rate-limit guard only awaits when it gets one.
 */
export interface RateLimiter {
  /** Keys currently remembered for a limit in this process (metrics). */
  size?(limitName: string): number;
  consume(limitName: string, key: string, policy: RatePolicy, now: number): RateDecision | Promise<RateDecision>;
}
