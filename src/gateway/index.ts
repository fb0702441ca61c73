export { createGateway } from './proxy.js';
export type { Gateway, GatewayOptions, UpstreamErrorReport } from './proxy.js';
export { compileGatewayConfig, policyMember } from './config.js';
export type { CompiledLimit, CompiledRoute, CompiledSwitch, GatewayConfig, GatewayConfigInput, LimitKey,
  RateLimitInput, TokenInput, TokenRule } from './config.js';
export { resolveClientIp, type ClientIp } from './client-ip.js';
export { parseIp, ipPrefix, type ParsedIp } from '../shared/net/index.js';
export { CidrMap, parseCidr, type Cidr } from '../shared/net/index.js';
export { compileRouteMatcher, type RouteMatcher, type RouteMatch } from './route-matcher.js';
export * from './state/index.js';
export { DEFAULT_CLIENT_LIMITS, type ClientLimits, type ClientLimitsInput } from './admission/index.js';
