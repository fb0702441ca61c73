/**
 * Candidates (f) and (g): Rampart's gateway with the fotospiel playbook's guards — trusted proxies, path and
 * query join tokens (HMAC-hashed), IP blocks, token revocation, kill switch, maintenance, per-IP and per-token
 * GCRA limits with IETF and X-RateLimit headers — and one RequestEvent built per request, as the detector gets.
 *
 *   --upstream URL  --limits raised|playbook  [--redis URL --prefix P]
 */
import { createGateway, MemoryRateLimiter } from '../../../src/gateway/index.js';
import { fotospielConfig } from '../fotospiel-config.js';
import { announce, arg, exitWith, requiredArg } from './lifecycle.js';
import { redisStores } from './redis-stores.js';

const config = await fotospielConfig(requiredArg('upstream'), arg('limits') !== 'playbook');
const redisUrl = arg('redis');
const memoryLimiter = new MemoryRateLimiter();
const stores = redisUrl === undefined ? null : await redisStores(redisUrl, requiredArg('prefix'), config.service);
let events = 0;
const gateway = createGateway(config, {
  tokenHashKey: 'bench-token-hash-key',
  limiter: stores?.limiter ?? memoryLimiter,
  ...(stores === null ? {} : { state: stores.state }),
  onEvent: () => {
    events++;
  },
});
const address = await gateway.listen(0, '127.0.0.1');

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stats') return;
  const keys: Record<string, number> = {};
  for (const limit of config.limits) keys[limit.name] = memoryLimiter.size(limit.name);
  process.send?.({ type: 'stats', events, keys, memory: process.memoryUsage() });
});

announce(address.port);
exitWith(async () => {
  await gateway.close();
  await stores?.close();
});
