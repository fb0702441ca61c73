import { join } from 'node:path';
import { buildApi } from '../api/build-api.js';
import { deskEventBus } from '../desk/index.js';
import type { Clock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createMetrics } from '../shared/metrics.js';
import { bootstrapAdminKey } from './bootstrap-admin-key.js';
import type { Config } from './config.js';
import { openDesk, type DeskHandle } from './open-desk.js';

export const VERSION = '0.1.0';

export interface RunningApp {
  desk: DeskHandle;
  apiUrl: string;
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
}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: options.config.LOG_LEVEL });
  const desk = await openDesk(options);
  const metrics = createMetrics();
  const events = deskEventBus();
  events.on((event) => {
    if (event.type === 'incident.opened') {
      metrics.incidentsOpened.inc({ service: event.incident.service, severity: event.incident.severity });
      logger.info({ incident: event.incident.id, severity: event.incident.severity }, 'incident opened');
    } else if (event.type === 'incident.changed') {
      metrics.timelineEntries.inc({ kind: event.entry.kind });
    }
  });

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
  });
  const host = options.host ?? options.config.RAMPART_HOST;
  await api.listen({ port: options.port ?? options.config.RAMPART_PORT, host });
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : options.config.RAMPART_PORT;
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    desk,
    apiUrl,
    adminKeyFile: created ? adminKeyFile : null,
    logger,
    async stop() {
      await api.close();
      await desk.close();
    },
  };
}
