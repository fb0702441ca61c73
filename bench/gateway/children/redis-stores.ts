import type { GatewayState, RateLimiter } from '../../../src/gateway/index.js';

export interface RedisStores {
  state: GatewayState;
  limiter: RateLimiter;
  close(): Promise<void>;
}

/**
 * Rampart's Redis-backed state and limiter. Looked up at run time so the bench still builds and runs its other
 * candidates while src/gateway/state has no Redis implementation; the parent prints "n/a" when this throws.
 */
export async function redisStores(url: string, prefix: string): Promise<RedisStores> {
  const state = (await import('../../../src/gateway/state/index.js')) as Record<string, unknown>;
  if (typeof state.RedisState !== 'function' || typeof state.RedisRateLimiter !== 'function') {
    throw new Error('src/gateway/state exports no RedisState/RedisRateLimiter yet');
  }
  throw new Error(`RedisState exists but the bench does not wire it yet (${url}, ${prefix})`);
}
