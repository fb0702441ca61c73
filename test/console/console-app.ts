import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../src/access/create-api-key.js';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import {
  closeAgents,
  DEFAULT_LIMITS,
  findDrill,
  RampartApi,
  runDrill,
  StandinClient,
  type DrillContext,
  type DrillReport,
} from '../../src/drills/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { startStandins, type RunningStandins } from '../../src/standins/index.js';
import { startReceiver } from '../support/receiver.js';
import { copyPlaybooks } from '../support/workspace.js';

export interface ConsoleApp {
  cwd: string;
  app: RunningApp;
  url: string;
  keys: { admin: string; responder: string; viewer: string };
  drill(name: string): Promise<DrillReport>;
  close(): Promise<void>;
}

/**
 * `rampart demo` on free ports: both seed stand-ins behind startApp's gateways, a local Slack receiver, and the
 * console served by the API; one key per role. Drills run against it as `rampart drill` would.
 */
export async function startConsoleApp(): Promise<ConsoleApp> {
  const cwd = mkdtempSync(join(tmpdir(), 'rampart-console-'));
  const standins: RunningStandins = await startStandins({ cwd, env: {}, guestPort: 0, bookingPort: 0 });
  copyPlaybooks(cwd, { guest: standins.guestUrl, booking: standins.bookingUrl });
  const slack = await startReceiver();
  const app = await startApp({
    config: readConfig({}),
    cwd,
    port: 0,
    logger: createLogger({ level: 'silent' }),
    env: { SLACK_WEBHOOK_URL: `${slack.url}/slack`, BOOKING_JWT_SECRET: standins.bookingJwtSecret },
    gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
  });
  const admin = readFileSync(join(cwd, '.rampart', 'admin.key'), 'utf8').trim();
  const make = async (name: string, role: 'viewer' | 'responder') =>
    (await createApiKey({ store: app.desk.store, clock: app.desk.clock, actor: 'test' }, { name, role }))
      .secret;
  const gateway = (service: string) => app.gateways.find((g) => g.service === service)?.url ?? '';
  const ctx: DrillContext = {
    targets: { guest: gateway('guest-api'), booking: gateway('booking-api') },
    api: new RampartApi(app.apiUrl, admin),
    standins: {
      guest: new StandinClient(standins.guestUrl, standins.controlKey),
      booking: new StandinClient(standins.bookingUrl, standins.controlKey),
    },
    log: () => undefined,
    limits: DEFAULT_LIMITS,
  };
  return {
    cwd,
    app,
    url: app.apiUrl,
    keys: { admin, responder: await make('rosa', 'responder'), viewer: await make('victor', 'viewer') },
    async drill(name) {
      const found = findDrill(name);
      if (!found) throw new Error(`no drill ${name}`);
      return runDrill(found, ctx);
    },
    async close() {
      await closeAgents();
      await app.stop();
      await standins.close();
      await slack.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
