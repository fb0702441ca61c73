import type { RequestEvent } from '../domain/request-event.js';
import {
  MemoryRateLimiter,
  MemoryState,
  compileGatewayConfig,
  createRedisGatewayState,
  createGateway,
  type Gateway,
  type UpstreamErrorReport,
} from '../gateway/index.js';
import type { Playbook } from '../playbook/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/ports.js';
import { gatewayInputFromPlaybook } from './gateway-input.js';
import { syncMitigations, type MitigationSync } from './mitigation-sync.js';

export interface RunningGateway {
  service: string;
  url: string;
  gateway: Gateway;
  sync: MitigationSync;
  /** "memory" on one node, "redis" when gateways share state through REDIS_URL. */
  stateKind: 'memory' | 'redis';
  /** Keys each rate limit remembers in this process (the limiter-keys gauge). */
  limiterKeys(): { limit: string; keys: number }[];
  /** Releases the shared state's connections (after the gateway has drained). */
  release(): Promise<void>;
}

export interface GatewayStartOptions {
  playbooks: readonly Playbook[];
  store: Store;
  clock: Clock;
  tokenKey: string;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  onEvent?: (event: RequestEvent) => void;
  /** Where each service's gateway listens; default the playbook's gateway.listen. Port 0 picks a free port. */
  listen?: (playbook: Playbook) => { host: string; port: number } | undefined;
  missingJwtSecret?: 'fail' | 'read-claims';
  /** Share mitigations and limits with every gateway on this Redis. */
  redisUrl?: string | undefined;
  redisPrefix?: string;
}

/** One gateway per playbook with a gateway section, each in front of its upstream, in step with the store. */
export async function startGateways(options: GatewayStartOptions): Promise<RunningGateway[]> {
  const running: RunningGateway[] = [];
  try {
    for (const playbook of options.playbooks) {
      if (!playbook.gateway) continue;
      const where = options.listen?.(playbook) ?? playbook.gateway.listen;
      if (!where) continue;
      // Compiled once here: a bad rule fails start-up naming it, never a request.
      const input = gatewayInputFromPlaybook(playbook, {
        env: options.env,
        missingJwtSecret: options.missingJwtSecret ?? 'fail',
        warn: (message) => options.logger.warn(message),
      });
      const config = compileGatewayConfig(input, options.env);
      const service = playbook.service.name;
      const shared = options.redisUrl
        ? await createRedisGatewayState({
            redisUrl: options.redisUrl,
            ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}),
            service,
            clock: options.clock,
            logger: options.logger,
          })
        : undefined;
      const state = shared?.state ?? new MemoryState({ clock: options.clock });
      const limiter = shared?.limiter ?? new MemoryRateLimiter();
      const gateway = createGateway(config, {
        tokenHashKey: options.tokenKey,
        clock: options.clock,
        state,
        limiter,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      gateway.events.on('upstream-error', (report: UpstreamErrorReport) =>
        options.logger.warn({ service, ...report }, 'upstream failed'),
      );
      const sync = syncMitigations({
        store: options.store,
        state,
        service,
        clock: options.clock,
        logger: options.logger,
      });
      await sync.start();
      const address = await gateway.listen(where.port, where.host);
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      running.push({
        service,
        url: `http://${host}:${address.port}`,
        gateway,
        sync,
        stateKind: shared ? 'redis' : 'memory',
        limiterKeys: () => config.limits.map((l) => ({ limit: l.name, keys: limiter.size?.(l.name) ?? 0 })),
        release: () => shared?.close() ?? Promise.resolve(),
      });
    }
  } catch (error) {
    await stopGateways(running);
    throw error;
  }
  return running;
}

export async function stopGateways(gateways: readonly RunningGateway[]): Promise<void> {
  for (const g of gateways) g.sync.stop();
  await Promise.all(
    gateways.map(async (g) => {
      await g.gateway.close();
      await g.release();
    }),
  );
}
