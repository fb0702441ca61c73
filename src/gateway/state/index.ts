export type { GatewayState, LimitOverride, MaintenanceStatus } from './gateway-state.js';
export type { RateDecision, RateLimiter, RatePolicy } from './rate-limiter.js';
export { MemoryState, type MemoryStateOptions } from './memory-state.js';
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory-rate-limiter.js';
export { RedisState, type RedisStateOptions } from './redis-state.js';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.js';
export { createRedisConnection, type RedisLogger, type RedisStatus } from './redis-connection.js';
export { createRedisGatewayState, type RedisGatewayState, type RedisGatewayStateOptions } from './redis-gateway-state.js';
