import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ManualClock } from '../../shared/clock.js';
import { parseIp } from '../../shared/net/index.js';
import { mitigation } from '../testing/mitigation.js';
import { freePort, redisSuitesEnabled, startPrivateRedis, type PrivateRedis } from '../testing/redis.js';
import { createRedisGatewayState } from './redis-gateway-state.js';
import type { RedisLogger } from './redis-connection.js';

const started: PrivateRedis[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.kill()));
});
const ip = (text: string) => parseIp(text) ?? (() => { throw new Error(text); })();
const until = async (what: () => boolean, boundMs = 5_000): Promise<void> => {
  const end = Date.now() + boundMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.runIf(await redisSuitesEnabled())('RedisState and RedisRateLimiter when Redis goes away', () => {
  it('keeps enforcing, logs once, overflows its queue into a full re-write, and never resurrects a lift', async () => {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    started.push(redis);
    const clock = new ManualClock();
    const warnings: string[] = [];
    const logger: RedisLogger = { info() {}, warn: (_o, msg) => warnings.push(msg), error() {} };
    const g = await createRedisGatewayState({ redisUrl: redis.url, prefix: 'p', service: 's', clock, logger, maxPendingWrites: 2 });
    try {
      const known = mitigation(clock, 'block', '10.0.0.1');
      const toLift = mitigation(clock, 'revoke-jti', 'j-1');
      await g.state.apply(known);
      await g.state.apply(toLift);
      await redis.kill();
      await until(() => g.state.status === 'degraded' && g.limiter.status === 'degraded');
      const now = clock.now().getTime();
      expect(g.state.blockedBy(ip('10.0.0.1'), now)).toBe(known.id);
      const policy = { limit: 2, windowMs: 60_000, burst: 0 };
      const local = [1, 2, 3].map(() => g.limiter.consume('per-ip', 'k', policy, now));
      expect(local.map((d) => (d as { allowed: boolean }).allowed)).toEqual([true, true, false]);
      expect(await g.state.lift(toLift.id, 'alice')).toMatchObject({ liftedBy: 'alice' });
      for (const target of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) await g.state.apply(mitigation(clock, 'block', target));
      expect(g.state.blockedBy(ip('10.0.0.4'), now)).not.toBeNull();
      expect(warnings.filter((w) => /unavailable/.test(w))).toHaveLength(2);
      expect(warnings.filter((w) => /queue full/.test(w))).toHaveLength(1);

      redis = await startPrivateRedis(port);
      started.push(redis);
      await until(() => g.state.status === 'connected');
      await g.state.reconcile();
      const r = new Redis(redis.url);
      const stored = await r.hgetall(g.state.keys.hash);
      await r.quit();
      const inForce = Object.values(stored).map((j) => JSON.parse(j) as { target: string; liftedAt: string | null })
        .filter((m) => m.liftedAt === null).map((m) => m.target).sort();
      expect(inForce).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
      expect(JSON.parse(stored[toLift.id] ?? '{}')).toMatchObject({ liftedBy: 'alice' });
      expect(g.state.jtiRevokedBy('j-1', now)).toBeNull();
      // A second gateway starting now sees the same, lift included.
      const other = await createRedisGatewayState({ redisUrl: redis.url, prefix: 'p', service: 's', clock });
      expect(other.state.blockedBy(ip('10.0.0.3'), now)).not.toBeNull();
      expect(other.state.jtiRevokedBy('j-1', now)).toBeNull();
      await other.close();
    } finally {
      await g.close();
    }
  });
});
