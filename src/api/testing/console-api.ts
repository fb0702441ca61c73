import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../access/create-api-key.js';
import { catalogOf, deskEventBus } from '../../desk/index.js';
import { testPolicy } from '../../desk/testing/test-policy.js';
import type { Role } from '../../domain/api-key.js';
import { ManualClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { createMetrics } from '../../shared/metrics.js';
import type { Store } from '../../store/index.js';
import { buildApi } from '../build-api.js';
import type { ApiDeps } from '../api-deps.js';
import { LiveFeed } from '../live/live-feed.js';

export interface ConsoleApi {
  app: FastifyInstance;
  base: string;
  clock: ManualClock;
  live: LiveFeed;
  keys: Record<Role, string>;
  close(): Promise<void>;
}

/** The API on a real loopback port with a live feed, over a given store, with one key per role. */
export async function startConsoleApi(store: Store, extra: Partial<ApiDeps> = {}): Promise<ConsoleApi> {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const keys = { viewer: '', responder: '', admin: '' };
  const suffix = Math.random().toString(36).slice(2, 8);
  for (const role of ['viewer', 'responder', 'admin'] as const) {
    keys[role] = (
      await createApiKey({ store, clock, actor: 'test' }, { name: `${role}-${suffix}`, role })
    ).secret;
  }
  const events = deskEventBus();
  const live = new LiveFeed({ store, pollMs: 100 });
  events.on((event) => live.onDeskEvent(event));
  const app = buildApi({
    store,
    clock,
    services: catalogOf([testPolicy]),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    version: 'test',
    events,
    live,
    ...extra,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    base,
    clock,
    live,
    keys,
    async close() {
      live.close();
      await app.close();
    },
  };
}

/** A browser's view of one session: the cookie it holds and the CSRF token the page keeps in memory. */
export interface BrowserSession {
  cookie: string;
  csrf: string;
  setCookie: string;
}

export async function signInAs(base: string, key: string): Promise<BrowserSession> {
  const res = await fetch(`${base}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  });
  if (res.status !== 201) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0] ?? '', csrf: body.csrfToken, setCookie };
}
