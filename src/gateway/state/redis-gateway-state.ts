import { systemClock, type Clock } from '../../shared/clock.js';
import { RampartError } from '../../shared/errors.js';
import { createRedisConnection, silentLogger, type RedisLogger, type RedisStatus } from './redis-connection.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisState } from './redis-state.js';

export interface RedisGatewayStateOptions {
  /** redis://[user:pass@]host:port[/db] */
  redisUrl: string;
  /** First part of every key and channel. Default "rampart". */
  prefix?: string;
  service: string;
  clock?: Clock;
  logger?: RedisLogger;
  /** Called on every change between connected and degraded, per component. */
  onStatus?: (component: 'state' | 'limiter', status: RedisStatus) => void;
  reconcileIntervalMs?: number;
  syncIntervalMs?: number;
  maxMitigations?: number;
  maxKeysPerLimit?: number;
  maxPendingWrites?: number;
  /** How long start-up waits for Redis. Default 2 s. */
  connectTimeoutMs?: number;
}

export interface RedisGatewayState {
  state: RedisState;
  limiter: RedisRateLimiter;
  /** Stops timers and closes both Redis connections. */
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_.{}-]+(:[A-Za-z0-9_.{}-]+)*$/;

/**
 * Gateway state and rate limiter on one Redis (two connections: commands, and pub/sub). Rejects with
 * RAMPART_CONFIG when Redis cannot be reached at start-up: a gateway that never loaded the shared mitigations
 * has nothing to enforce, so it should not start serving as if it had. Once started, losing Redis only degrades.
 */
export async function createRedisGatewayState(o: RedisGatewayStateOptions): Promise<RedisGatewayState> {
  const prefix = o.prefix ?? 'rampart';
  if (!NAME.test(prefix)) throw new RampartError('RAMPART_CONFIG', `Redis key prefix "${prefix}" is not valid`);
  if (!NAME.test(o.service)) throw new RampartError('RAMPART_CONFIG', `service name "${o.service}" cannot be used in Redis keys`);
  const clock = o.clock ?? systemClock;
  const logger = o.logger ?? silentLogger;
  const redis = createRedisConnection(o.redisUrl, `rampart-gateway:${o.service}`, o.connectTimeoutMs);
  const subscriber = createRedisConnection(o.redisUrl, `rampart-gateway-sub:${o.service}`, o.connectTimeoutMs);
  const state = new RedisState({
    redis, subscriber, prefix, service: o.service, clock, logger,
    onStatus: (s) => o.onStatus?.('state', s),
    ...(o.reconcileIntervalMs === undefined ? {} : { reconcileIntervalMs: o.reconcileIntervalMs }),
    ...(o.maxMitigations === undefined ? {} : { maxMitigations: o.maxMitigations }),
    ...(o.maxPendingWrites === undefined ? {} : { maxPendingWrites: o.maxPendingWrites }),
  });
  const limiter = new RedisRateLimiter({
    redis, prefix, service: o.service, clock, logger,
    onStatus: (s) => o.onStatus?.('limiter', s),
    ...(o.syncIntervalMs === undefined ? {} : { syncIntervalMs: o.syncIntervalMs }),
    ...(o.maxKeysPerLimit === undefined ? {} : { maxKeysPerLimit: o.maxKeysPerLimit }),
  });
  const disconnect = (): void => {
    redis.disconnect();
    subscriber.disconnect();
  };
  try {
    await state.start();
  } catch (error) {
    disconnect();
    await state.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new RampartError('RAMPART_CONFIG', `cannot load gateway state from Redis: ${message}`);
  }
  limiter.start();
  return {
    state,
    limiter,
    async close() {
      await limiter.close();
      await state.close();
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
      disconnect();
    },
  };
}
