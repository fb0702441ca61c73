import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { closeAgents, StandinClient } from '../../src/drills/index.js';
import type { ManualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { startStandins, type RunningStandins } from '../../src/standins/index.js';
import { startForwarder, type Forwarder } from './loopback-forwarder.js';
import { startReceiver, type Received } from './receiver.js';
import { runCli, type CliRun } from './run-cli.js';
import { copyPlaybooks } from './workspace.js';

/** The shared secret the seeds' alertmanager/webhook sources accept (RAMPART_INBOUND_SECRET). */
export const INBOUND_SECRET = 'story-inbound-secret-0123456789';
export const PAGERDUTY_ROUTING_KEY = 'story-pagerduty-routing-key';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** The Rampart HTTP API with the admin key from .rampart/admin.key, as a responder's script would call it. */
export class StoryApi {
  constructor(
    readonly url: string,
    private readonly key: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    bearer = this.key,
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Like `call`, but a 4xx/5xx is a test failure that names the call and the answer. */
  async ok<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status >= 400)
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

export interface StoryApp {
  cwd: string;
  clock: ManualClock;
  app: RunningApp;
  standins: RunningStandins;
  /** The gateways' URLs (port 0). */
  guest: string;
  booking: string;
  api: StoryApi;
  control: { guest: StandinClient; booking: StandinClient };
  /** Every Slack, PagerDuty and webhook message, by path: /slack, /support, /pagerduty, /security. */
  received: Received[];
  /** `rampart …` in the same working directory and store, on the same clock. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun>;
  close(): Promise<void>;
}

/**
 * Both seed stand-ins behind `startApp`'s gateways on one ManualClock, with the shipped playbooks unchanged but for
 * their upstreams and their monitors' gateway addresses (8080/8090 → forwarders to the port-0 gateways), and one
 * local receiver standing in for Slack, PagerDuty and the security webhook.
 */
export async function startStoryApp(clock: ManualClock): Promise<StoryApp> {
  const cwd = mkdtempSync(join(tmpdir(), 'rampart-stories-'));
  const receiver = await startReceiver();
  const forwarders: Forwarder[] = [];
  let standins: RunningStandins | undefined;
  let app: RunningApp | undefined;
  try {
    standins = await startStandins({ cwd, env: {}, guestPort: 0, bookingPort: 0, clock });
    copyPlaybooks(cwd, { guest: standins.guestUrl, booking: standins.bookingUrl });
    const guestFwd = await startForwarder();
    const bookingFwd = await startForwarder();
    forwarders.push(guestFwd, bookingFwd);
    pointMonitors(cwd, { 'http://127.0.0.1:8080': guestFwd.url, 'http://127.0.0.1:8090': bookingFwd.url });
    const env = {
      SLACK_WEBHOOK_URL: `${receiver.url}/slack`,
      SLACK_SUPPORT_WEBHOOK_URL: `${receiver.url}/support`,
      PAGERDUTY_ROUTING_KEY,
      SECURITY_WEBHOOK_URL: `${receiver.url}/security`,
      SECURITY_WEBHOOK_SECRET: 'story-webhook-signing-secret',
      BOOKING_JWT_SECRET: standins.bookingJwtSecret,
      RAMPART_INBOUND_SECRET: INBOUND_SECRET,
    };
    app = await startApp({
      config: readConfig({ RAMPART_PAGERDUTY_EVENTS_URL: `${receiver.url}/pagerduty` }),
      cwd,
      clock,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env,
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
    const gateway = (service: string) => app?.gateways.find((g) => g.service === service)?.url ?? '';
    guestFwd.pointAt(gateway('guest-api'));
    bookingFwd.pointAt(gateway('booking-api'));
    const running = app;
    const stand = standins;
    return {
      cwd,
      clock,
      app: running,
      standins: stand,
      guest: gateway('guest-api'),
      booking: gateway('booking-api'),
      api: new StoryApi(running.apiUrl, readFileSync(join(cwd, '.rampart', 'admin.key'), 'utf8').trim()),
      control: {
        guest: new StandinClient(stand.guestUrl, stand.controlKey),
        booking: new StandinClient(stand.bookingUrl, stand.controlKey),
      },
      received: receiver.received,
      cli: (args, extra = {}) => runCli(args, { cwd, clock, env: { ...env, ...extra } }),
      async close() {
        await closeAgents();
        await running.stop();
        await stand.close();
        await Promise.all(forwarders.map((f) => f.close()));
        await receiver.close();
        rmSync(cwd, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.stop();
    await standins?.close();
    await Promise.all(forwarders.map((f) => f.close()));
    await receiver.close();
    rmSync(cwd, { recursive: true, force: true });
    throw error;
  }
}

/** Rewrites the gateway addresses in the playbooks' monitor URLs (the only place they appear as URLs). */
function pointMonitors(cwd: string, map: Record<string, string>): void {
  const dir = join(cwd, 'playbooks');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    let text = readFileSync(join(dir, file), 'utf8');
    for (const [from, to] of Object.entries(map)) text = text.split(`url: "${from}`).join(`url: "${to}`);
    writeFileSync(join(dir, file), text);
  }
}
