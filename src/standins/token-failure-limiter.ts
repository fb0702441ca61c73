import type { Clock } from '../shared/clock.js';

const WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;

/**
 * The app's own in-memory limiter for wrong join tokens (RateLimiter in handleTokenFailure): after `limit`
 * failures from one address within a minute, further failures are answered 429. Bounded: the oldest address
 * is forgotten when MAX_KEYS are tracked.
 */
export class TokenFailureLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limit = 10,
  ) {}

  /** Records one failure; true when the address is now over its limit. */
  fail(ip: string): boolean {
    const now = this.clock.now().getTime();
    let w = this.windows.get(ip);
    if (!w || now - w.start >= WINDOW_MS) {
      this.windows.delete(ip);
      w = { start: now, count: 0 };
      if (this.windows.size >= MAX_KEYS) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      this.windows.set(ip, w);
    }
    w.count++;
    return w.count > this.limit;
  }

  get size(): number {
    return this.windows.size;
  }
}
