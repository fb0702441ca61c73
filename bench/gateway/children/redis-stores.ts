import { createRedisGatewayState, type GatewayState, type RateLimiter } from '../../../src/gateway/index.js';

export interface RedisStores {
  state: GatewayState;
  limiter: RateLimiter;
  close(): Promise<void>;
}

/** Rampart's Redis state (local mirror kept by pub/sub) and shared GCRA limiter, under the bench's own prefix. */
export async function redisStores(url: string, prefix: string, service: string): Promise<RedisStores> {
  return createRedisGatewayState({ redisUrl: url, prefix, service });
}
