import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../shared/clock.js';
import type { RateDecision, RateLimiter, RatePolicy } from './rate-limiter.js';

/**
 * Two gateways' limiters on one shared store (the same object for the memory limiter); sync() is the point
 * where the shared limiter has exchanged counts (its timer does it every 50 ms in production).
 */
export interface LimiterFixture {
  clock: ManualClock;
  a: RateLimiter;
  b: RateLimiter;
  sync(): Promise<void>;
  close(): Promise<void>;
}

const policy: RatePolicy = { limit: 10, windowMs: 60_000, burst: 0 };

export function rateLimiterContract(name: string, make: (maxKeysPerLimit: number) => Promise<LimiterFixture>): void {
  describe(`${name}: RateLimiter contract`, () => {
    let f: LimiterFixture;
    beforeEach(async () => {
      f = await make(1_000);
    });
    afterEach(async () => {
      await f.close();
    });
    const now = (): number => f.clock.now().getTime();
    const take = async (l: RateLimiter, key: string, p = policy, limit = 'per-ip'): Promise<RateDecision> =>
      l.consume(limit, key, p, now());

    it('allows the limit at once, then one request per window/limit, with remaining and retry-after', async () => {
      const results: RateDecision[] = [];
      for (let i = 0; i < 11; i++) results.push(await take(f.a, 'k'));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      expect(results[0]).toMatchObject({ allowed: true, remaining: 9, resetMs: 6_000 });
      expect(results[10]).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 6_000 });
      f.clock.advance(6_000);
      expect(await take(f.a, 'k')).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('shares one quota between two gateways', async () => {
      for (let i = 0; i < 6; i++) expect((await take(f.a, 'shared')).allowed).toBe(true);
      await f.sync();
      const fromB: boolean[] = [];
      for (let i = 0; i < 5; i++) fromB.push((await take(f.b, 'shared')).allowed);
      expect(fromB).toEqual([true, true, true, true, false]);
      await f.sync();
      f.clock.advance(6_000);
      expect((await take(f.a, 'shared')).allowed).toBe(true);
      await f.sync();
      expect((await take(f.b, 'shared')).allowed).toBe(false);
      expect((await take(f.a, 'shared')).allowed).toBe(false);
    });

    it('lets burst requests through on top of the limit', async () => {
      const p = { limit: 2, windowMs: 10_000, burst: 2 };
      const statuses: boolean[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await take(f.a, 'b', p)).allowed);
      expect(statuses).toEqual([true, true, true, true, false]);
    });

    it('counts keys and limits independently', async () => {
      const one = { limit: 1, windowMs: 60_000, burst: 0 };
      expect((await take(f.a, 'x', one)).allowed).toBe(true);
      expect((await take(f.a, 'x', one)).allowed).toBe(false);
      expect((await take(f.a, 'y', one)).allowed).toBe(true);
      expect((await take(f.a, 'x', one, 'other-limit')).allowed).toBe(true);
    });

    it('forgets the least recently used keys beyond its bound, forgiving them rather than blocking anyone', async () => {
      const one = { limit: 1, windowMs: 60_000, burst: 0 };
      expect((await take(f.a, 'hot', one)).allowed).toBe(true);
      for (let i = 0; i < 1_000; i++) await take(f.a, `10.0.${i >> 8}.${i & 255}`, one);
      await f.sync();
      expect((await take(f.a, `10.0.3.231`, one)).allowed).toBe(false);
    });
  });
}
