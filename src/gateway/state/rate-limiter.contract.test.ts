import { expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { deleteKeys, redisSuitesEnabled, testPrefix, TEST_REDIS_URL } from '../testing/redis.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { rateLimiterContract } from './rate-limiter.contract.js';
import { createRedisGatewayState } from './redis-gateway-state.js';

rateLimiterContract('MemoryRateLimiter', (maxKeysPerLimit) => {
  const limiter = new MemoryRateLimiter({ maxKeysPerLimit });
  const clock = new ManualClock();
  return Promise.resolve({ clock, a: limiter, b: limiter, sync: () => Promise.resolve(), close: () => Promise.resolve() });
});

if (await redisSuitesEnabled()) {
  const opened: { prefix: string; close(): Promise<void> }[] = [];
  rateLimiterContract('RedisRateLimiter, two gateways on one prefix', async (maxKeysPerLimit) => {
    const clock = new ManualClock();
    const prefix = testPrefix();
    // A long sync interval: the test drives every sync itself.
    const open = (): ReturnType<typeof createRedisGatewayState> => createRedisGatewayState({
      redisUrl: TEST_REDIS_URL, prefix, service: 'fotospiel', clock, maxKeysPerLimit, syncIntervalMs: 60_000 });
    const a = await open();
    const b = await open();
    const fixture = {
      clock,
      a: a.limiter,
      b: b.limiter,
      sync: async () => {
        await a.limiter.sync();
        await b.limiter.sync();
      },
      async close() {
        await Promise.all([a.close(), b.close()]);
        opened.push({ prefix, close: async () => {} });
        expect(await deleteKeys(TEST_REDIS_URL, prefix)).toBeGreaterThanOrEqual(0);
      },
    };
    return fixture;
  });

  it('keeps each limiter key in Redis only while it matters (PX expiry at the arrival time)', async () => {
    const clock = new ManualClock();
    const prefix = testPrefix();
    const g = await createRedisGatewayState({ redisUrl: TEST_REDIS_URL, prefix, service: 'svc', clock, syncIntervalMs: 60_000 });
    try {
      await g.limiter.consume('per-ip', '203.0.113.5', { limit: 10, windowMs: 10_000, burst: 0 }, clock.now().getTime());
      await g.limiter.consume('per-ip', 'x'.repeat(500), { limit: 10, windowMs: 10_000, burst: 0 }, clock.now().getTime());
      await g.limiter.sync();
      const { Redis } = await import('ioredis');
      const r = new Redis(TEST_REDIS_URL);
      const keys = (await r.keys(`${prefix}:svc:rl:*`)).sort();
      const ttl = await r.pttl(`${prefix}:svc:rl:per-ip:203.0.113.5`);
      await r.quit();
      expect(keys).toHaveLength(2);
      expect(keys.every((k) => k.length < 200)).toBe(true);
      expect(ttl).toBeGreaterThan(1_000);
      expect(ttl).toBeLessThanOrEqual(2_000);
    } finally {
      await g.close();
      await deleteKeys(TEST_REDIS_URL, prefix);
    }
  });
}
