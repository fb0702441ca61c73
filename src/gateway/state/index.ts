export type { GatewayState, LimitOverride, MaintenanceStatus } from './gateway-state.js';
export type { RateDecision, RateLimiter, RatePolicy } from './rate-limiter.js';
export { MemoryState, type MemoryStateOptions } from './memory-state.js';
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory-rate-limiter.js';
