import { ManualClock } from '../../shared/clock.js';
import { deleteKeys, redisSuitesEnabled, testPrefix, TEST_REDIS_URL } from '../testing/redis.js';
import { gatewayStateContract } from './gateway-state.contract.js';
import { MemoryState } from './memory-state.js';
import { createRedisGatewayState } from './redis-gateway-state.js';

gatewayStateContract('MemoryState', () => {
  const clock = new ManualClock();
  const state = new MemoryState({ clock });
  return Promise.resolve({ clock, writer: state, reader: state, settle: () => Promise.resolve(), close: () => Promise.resolve() });
});

if (await redisSuitesEnabled()) {
  gatewayStateContract('RedisState, two gateways on one prefix', async () => {
    const clock = new ManualClock();
    const prefix = testPrefix();
    const open = (): ReturnType<typeof createRedisGatewayState> =>
      createRedisGatewayState({ redisUrl: TEST_REDIS_URL, prefix, service: 'fotospiel', clock });
    const a = await open();
    const b = await open();
    return {
      clock,
      writer: a.state,
      reader: b.state,
      settle: () => b.state.settle(),
      async close() {
        await Promise.all([a.close(), b.close()]);
        await deleteKeys(TEST_REDIS_URL, prefix);
      },
    };
  });
}
