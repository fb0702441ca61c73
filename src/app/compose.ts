import { join } from 'node:path';
import { buildApi } from '../api/build-api.js';
import { LiveFeed } from '../api/live/live-feed.js';
import { TrafficRecorder } from '../traffic/index.js';
import { deskEventBus, watchExpiries } from '../desk/index.js';
import { startHookLoop, watchCoverage, type HookLoop } from '../enforcement/index.js';
import { createAvailabilityCheck, type MonitorRunner, type RoutineRunner } from '../monitors/index.js';
import { createNotifier } from '../notify/index.js';
import { consumeEvents, type EventConsumer } from '../detector/sources/index.js';
import type { Clock } from '../shared/clock.js';
import type { RequestEvent } from '../domain/request-event.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createMetrics } from '../shared/metrics.js';
import { neverBlockConflict } from '../domain/never-block.js';
import { bootstrapAdminKey } from './bootstrap-admin-key.js';
import { healthReasons } from './health/health-report.js';
import { gatewayEventMetrics } from './metrics/gateway-event-metrics.js';
import { MitigationRefusals } from './metrics/mitigation-refusals.js';
import { refreshGauges } from './metrics/refresh-gauges.js';
import { createDetectionLoop, type DetectionLoop } from './detection-loop.js';
import { startMonitors } from './start-monitors.js';
import { inboundSecretsFrom } from './inbound-secrets.js';
import type { Config } from './config.js';
import { openDesk, type DeskHandle } from './open-desk.js';
import {
  startGateways,
  stopGateways,
  type GatewayStartOptions,
  type RunningGateway,
} from './start-gateways.js';
import { loadTokenKey } from './token-key.js';

export const VERSION = '0.1.0';

/**
 * never_block lifts nothing by itself: a mitigation in force that touches the list (applied before the list said
 * so) stays, and start-up says so, for a person to decide.
 */
async function warnProtectedInForce(desk: DeskHandle, logger: Logger): Promise<void> {
  const inForce = await desk.store.mitigations.list({ inForceAt: desk.clock.now().toISOString(), limit: 10_000 });
  for (const m of inForce) {
    const list = desk.services.get(m.service)?.neverBlock;
    const conflict = list ? neverBlockConflict(list, m.kind, m.target) : null;
    if (conflict !== null) {
      logger.warn(
        { mitigation: m.id, service: m.service },
        `mitigation ${m.id} (${m.kind}) is in force though never_block protects what it touches: ${conflict}; it stays until a person lifts it`,
      );
    }
  }
}

function groupNames(monitors: readonly { service: string; name: string }[]): Map<string, string[]> {
  const byService = new Map<string, string[]>();
  for (const m of monitors) byService.set(m.service, [...(byService.get(m.service) ?? []), m.name]);
  return byService;
}

export interface RunningApp {
  desk: DeskHandle;
  apiUrl: string;
  /** Where people open the console: RAMPART_PUBLIC_URL, or the API's own URL. */
  consoleUrl: string;
  gateways: RunningGateway[];
  detection: DetectionLoop;
  /** The playbooks' action hooks (apply, lift, expire). */
  hooks: HookLoop;
  monitors: MonitorRunner;
  routines: RoutineRunner;
  adminKeyFile: string | null;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * The one place that creates real stores and servers: `rampart up` in a single process. Later parts (gateway,
 * detector, scheduler, dashboard) are started here too, each from the same loaded playbooks.
 */
export async function startApp(options: {
  config: Config;
  cwd: string;
  playbooks?: string;
  clock?: Clock;
  logger?: Logger;
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  gatewayListen?: GatewayStartOptions['listen'];
}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: options.config.LOG_LEVEL });
  const desk = await openDesk({ ...options, logger });
  const metrics = createMetrics();
  for (const warning of desk.warnings) logger.warn(warning);
  await warnProtectedInForce(desk, logger);
  const refusals = new MitigationRefusals({ store: desk.store, clock: desk.clock, metrics, logger });
  await refusals.start();
  const countRequest = gatewayEventMetrics(metrics, refusals);
  const events = deskEventBus();
  // Known once the API listens; messages composed before that carry no link.
  const listening: { url?: string } = {};
  const publicUrl = options.config.RAMPART_PUBLIC_URL;
  const notifier = createNotifier({
    store: desk.store,
    clock: desk.clock,
    playbooks: desk.playbooks,
    env: options.env ?? process.env,
    logger,
    // Links in messages open the incident's page in the console: RAMPART_PUBLIC_URL, or this API's own URL.
    publicUrl: () => publicUrl ?? listening.url,
    ...(options.config.RAMPART_PAGERDUTY_EVENTS_URL
      ? { pagerDutyEventsUrl: options.config.RAMPART_PAGERDUTY_EVENTS_URL }
      : {}),
  });
  events.onWithin(async (tx, event) => {
    await notifier.enqueueWithin(tx, event);
  });
  events.on((event) => notifier.onDeskEvent(event));
  const { monitors, routines, compiled } = startMonitors({
    playbooks: desk.playbooks,
    desk: { store: desk.store, clock: desk.clock, services: desk.services, actor: 'monitors', events },
    env: options.env ?? process.env,
    logger,
    scheduler: notifier.scheduler,
  });
  // The checklist's availability-check: the service's monitors run when an incident opens (issue 11).
  const availability = createAvailabilityCheck({
    monitors,
    desk: { store: desk.store, clock: desk.clock, services: desk.services, actor: 'monitors', events },
    logger,
  });
  events.on((event) => availability.onDeskEvent(event));
  events.on((event) => {
    if (event.type === 'incident.opened') {
      metrics.incidentsOpened.inc({ service: event.incident.service, severity: event.incident.severity });
      logger.info({ incident: event.incident.id, severity: event.incident.severity }, 'incident opened');
    } else if (event.type === 'incident.changed') {
      metrics.timelineEntries.inc({ kind: event.entry.kind });
    }
  });

  const live = new LiveFeed({ store: desk.store, logger });
  events.on((event) => live.onDeskEvent(event));

  const tokenKey = await loadTokenKey(options.config.RAMPART_TOKEN_KEY, options.cwd);
  // The console's traffic pages read what the detection loop sees; the gateway's request path is untouched.
  const traffic = new TrafficRecorder(() => detection.detector.recent);
  const detection = createDetectionLoop({
    observe: (event) => traffic.record(event),
    playbooks: desk.playbooks,
    ctx: { store: desk.store, clock: desk.clock, services: desk.services, actor: 'detector', events },
    clock: desk.clock,
    tokenKey,
    logger,
    cwd: options.cwd,
    metrics,
  });
  detection.start();
  events.on((event) => {
    if (event.type === 'mitigation.applied') refusals.applied(event.mitigation);
    else if (event.type === 'mitigation.lifted') refusals.lifted(event.mitigation);
  });
  const fromGateway = (event: RequestEvent) => {
    detection.ingest(event);
    countRequest(event);
  };
  // Events of `rampart gateway` processes elsewhere arrive over the Redis stream; this process's own gateways
  // feed the detector directly and never publish, so each request is counted once.
  const remoteEvents: EventConsumer | undefined = options.config.REDIS_URL
    ? consumeEvents({
        redisUrl: options.config.REDIS_URL,
        prefix: options.config.RAMPART_REDIS_PREFIX,
        onEvent: fromGateway,
        logger,
      })
    : undefined;
  let gateways: RunningGateway[];
  try {
    gateways = await startGateways({
      onEvent: fromGateway,
      playbooks: desk.playbooks,
      store: desk.store,
      clock: desk.clock,
      tokenKey,
      logger,
      env: options.env ?? process.env,
      missingJwtSecret: 'read-claims',
      redisUrl: options.config.REDIS_URL,
      redisPrefix: options.config.RAMPART_REDIS_PREFIX,
      ...(options.gatewayListen ? { listen: options.gatewayListen } : {}),
    });
  } catch (error) {
    await remoteEvents?.stop();
    await detection.stop();
    await desk.close();
    throw error;
  }
  // A mitigation applied through this desk reaches its gateway at once; other processes' changes come by sync.
  events.on((event) => {
    if (event.type !== 'mitigation.applied' && event.type !== 'mitigation.lifted') return;
    for (const g of gateways) {
      const done =
        event.type === 'mitigation.applied'
          ? g.sync.applied(event.mitigation)
          : g.sync.lifted(event.mitigation);
      done.catch((error: unknown) =>
        logger.warn({ err: error, mitigation: event.mitigation.id }, 'gateway did not take a mitigation'),
      );
    }
  });

  // Enforcement beside the gateway: the playbooks' action hooks, and the watch that marks what nothing enforces.
  const enforcementCtx = {
    store: desk.store,
    clock: desk.clock,
    services: desk.services,
    actor: 'enforcement',
    events,
  };
  const hooks = startHookLoop({ playbooks: desk.playbooks, ctx: enforcementCtx, logger, cwd: options.cwd });
  events.on((event) => {
    if (event.type === 'mitigation.applied' || event.type === 'mitigation.lifted') void hooks.reconcile();
  });
  const coverage = watchCoverage({ playbooks: desk.playbooks, ctx: enforcementCtx, logger });
  // A temporary mitigation that runs out is noted once (timeline, mitigation_expired notice) by one desk.
  const expiries = watchExpiries({ ctx: { ...enforcementCtx, actor: 'rampart' }, logger });

  const adminKeyFile = join(options.cwd, '.rampart', 'admin.key');
  const created = await bootstrapAdminKey(desk.store, desk.clock, adminKeyFile);

  const api = buildApi({
    store: desk.store,
    clock: desk.clock,
    services: desk.services,
    logger,
    metrics,
    events,
    version: VERSION,
    tokenKey,
    inboundSecrets: inboundSecretsFrom(desk.playbooks, options.env ?? process.env, logger),
    monitorNames: groupNames(compiled),
    routines,
    playbooks: desk.playbooks,
    live,
    traffic,
    ...(publicUrl ? { publicUrl } : {}),
    refreshMetrics: () =>
      refreshGauges({
        metrics,
        store: desk.store,
        now: () => desk.clock.now().getTime(),
        detection,
        gateways: () => gateways,
      }),
    healthReasons: () =>
      healthReasons({
        store: desk.store,
        now: () => desk.clock.now().getTime(),
        sources: () => detection.sources(),
        stalledAfterMs: options.config.RAMPART_SOURCE_STALLED_AFTER,
        outboxStuckAfterMs: options.config.RAMPART_OUTBOX_STUCK_AFTER,
      }),
    unflushedRefusals: (id) => refusals.unflushed(id),
  });
  const host = options.host ?? options.config.RAMPART_HOST;
  try {
    await api.listen({ port: options.port ?? options.config.RAMPART_PORT, host });
  } catch (error) {
    coverage.stop();
    expiries.stop();
    await hooks.stop();
    await stopGateways(gateways);
    await remoteEvents?.stop();
    await detection.stop();
    await desk.close();
    throw error;
  }
  notifier.start();
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : options.config.RAMPART_PORT;
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  listening.url = apiUrl;
  const consoleUrl = publicUrl ?? apiUrl;

  return {
    desk,
    apiUrl,
    consoleUrl,
    gateways,
    detection,
    hooks,
    monitors,
    routines,
    adminKeyFile: created ? adminKeyFile : null,
    logger,
    async stop() {
      coverage.stop();
      expiries.stop();
      await hooks.stop();
      await stopGateways(gateways);
      await remoteEvents?.stop();
      await detection.stop();
      await refusals.stop();
      live.close();
      await api.close();
      await availability.idle();
      await notifier.stop();
      await desk.close();
    },
  };
}
