import { hostname } from 'node:os';
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
import { isStale } from '../domain/enforcement.js';
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
      // This gateway as an enforcement point: it acknowledges each mitigation it enforces, and lets it go.
      // Named by host and process: two gateways on one host are two points, each ending its own holds.
      const point = { pointKind: 'gateway' as const, pointName: `${service}@${hostname()}:${process.pid}` };
      const sync = syncMitigations({
        store: options.store,
        state,
        service,
        clock: options.clock,
        logger: options.logger,
        acknowledge: (m) =>
          options.store.enforcement.acknowledge({
            ...point,
            mitigationId: m.id,
            at: options.clock.now().toISOString(),
          }),
        release: async (m) => {
          await options.store.enforcement.release({
            ...point,
            mitigationId: m.id,
            at: options.clock.now().toISOString(),
          });
        },
        heartbeat: async () => {
          await options.store.enforcement.touchPoint(
            point.pointKind,
            point.pointName,
            options.clock.now().toISOString(),
          );
          // A predecessor that crashed just before this start is not stale yet: looked at again until it is.
          if (predecessors > 0)
            predecessors = await endCrashedPredecessors(
              options.store,
              service,
              point.pointName,
              options.clock.now(),
            );
        },
      });
      let predecessors = await endCrashedPredecessors(
        options.store,
        service,
        point.pointName,
        options.clock.now(),
      );
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
        release: async () => {
          // A stopped gateway enforces nothing: its holds end in the records (the store is still open here).
          await options.store.enforcement
            .releasePoint(point.pointKind, point.pointName, options.clock.now().toISOString())
            .catch((error: unknown) =>
              options.logger.warn({ err: error, service }, 'gateway holds not released'),
            );
          await shared?.close();
        },
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

/**
 * A gateway of this service on this host that stopped without ending its holds (it crashed, or was killed)
 * left them reading as stale; the gateway that replaces it ends them, so they do not stay in the records and in
 * /healthz forever. Only stale ones: a second gateway running beside this one keeps its holds.
 */
export async function endCrashedPredecessors(
  store: Store,
  service: string,
  own: string,
  now: Date,
): Promise<number> {
  const prefix = `${service}@${hostname()}:`;
  const others = (await store.enforcement.listOpen('gateway', 10_000)).filter(
    (r) => r.pointName.startsWith(prefix) && r.pointName !== own,
  );
  const stale = new Set(others.filter((r) => isStale(r, now.getTime())).map((r) => r.pointName));
  for (const name of stale) await store.enforcement.releasePoint('gateway', name, now.toISOString());
  /** Others on this host not stale yet: alive, or crashed moments ago. */
  return new Set(others.map((r) => r.pointName).filter((n) => !stale.has(n))).size;
}
