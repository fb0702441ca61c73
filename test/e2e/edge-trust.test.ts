import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { startGateways, stopGateways, type RunningGateway } from '../../src/app/start-gateways.js';
import { loadTokenKey } from '../../src/app/token-key.js';
import { createEventPublisher, type EventPublisher } from '../../src/detector/sources/index.js';
import { deleteKeys, redisSuitesEnabled, testPrefix, TEST_REDIS_URL } from '../../src/gateway/testing/redis.js';
import { createLogger } from '../../src/shared/logger.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';
import { appPath } from '../support/decoding-app.js';

const enabled = await redisSuitesEnabled();

/**
 * Issue 9, items 1 and 2, from the outside: `rampart up` (and a `rampart gateway` publishing to the Redis stream)
 * on the shipped playbooks, in front of an app that routes like Laravel or FastAPI do, on the decoded path.
 */
describe.runIf(enabled)('trust at the edges: the path the app routes on, the address the proxy wrote', () => {
  let ws: Workspace;
  let app: RunningApp;
  let standalone: RunningGateway[];
  let publisher: EventPublisher;
  let guest: string;
  let booking: string;
  let guestStandalone: string;
  let adminKey: string;
  /** Every request the app routed, as "METHOD /decoded/path". */
  const routed: string[] = [];
  const logLines: string[] = [];
  const prefix = testPrefix();

  // A join token as the seed's guest app issues them: "jt" and 30 letters and digits.
  const token = 'jtQ7uX2mK9pL4vR8sT1wY6zA3bC5dE0f';
  const otherToken = 'jtZZ7uX2mK9pL4vR8sT1wY6zA3bC5dE0';

  function decodingApp(req: IncomingMessage, res: ServerResponse): void {
    const path = appPath(req.url ?? '/');
    routed.push(`${req.method ?? ''} ${path ?? '(unroutable)'}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  }

  /** node:http sends the path as written (fetch would resolve dot segments and %2e before sending). */
  const get = (base: string, path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    new Promise<{ status: number; json: () => Promise<unknown> }>((resolve, reject) => {
      const url = new URL(base);
      const req = request({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0,
          json: () => Promise.resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const api = (path: string, body: unknown) =>
    fetch(`${app.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    ws = await createWorkspace(decodingApp);
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = createLogger({ level: 'debug', destination: logs });
    const config = readConfig({ REDIS_URL: TEST_REDIS_URL, RAMPART_REDIS_PREFIX: prefix });
    app = await startApp({ config, cwd: ws.cwd, port: 0, logger, env: {},
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }) });
    guest = app.gateways.find((g) => g.service === 'guest-api')?.url ?? '';
    booking = app.gateways.find((g) => g.service === 'booking-api')?.url ?? '';
    adminKey = readFileSync(join(ws.cwd, '.rampart', 'admin.key'), 'utf8').trim();
    // What `rampart gateway` runs: a gateway that publishes its request events on the Redis stream.
    publisher = createEventPublisher({ redisUrl: TEST_REDIS_URL, prefix, service: 'guest-api', logger });
    standalone = await startGateways({
      playbooks: app.desk.playbooks.filter((p) => p.service.name === 'guest-api'),
      store: app.desk.store,
      clock: app.desk.clock,
      tokenKey: await loadTokenKey(undefined, ws.cwd),
      logger,
      env: {},
      missingJwtSecret: 'read-claims',
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      onEvent: publisher.publish,
      listen: () => ({ host: '127.0.0.1', port: 0 }),
    });
    guestStandalone = standalone[0]?.url ?? '';
  });
  afterAll(async () => {
    await stopGateways(standalone ?? []);
    await publisher?.close();
    await app?.stop();
    await ws?.close();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('keeps the switched-off gallery closed however the path is written', async () => {
    expect((await api('/v1/mitigations', { service: 'guest-api', kind: 'switch-off', target: 'gallery',
      reason: 'mass download', forMs: 3_600_000 })).status).toBe(201);
    const paths = [`/api/v1/%67allery/${token}/photos`, `//api/v1/gallery/${token}/photos`,
      `/api/v1/events/x/../../gallery/${token}/photos`, `/api/v1/%2e%2e/%2E%2e/api/v1/gallery/${token}/photos/`,
      `/api/v1/GALLERY/../gallery/${token}/photos`];
    for (const base of [guest, guestStandalone]) {
      await waitFor(async () => (await get(base, `/api/v1/gallery/${token}/photos`, {})).status === 503, 3000);
      for (const path of paths) {
        const r = await get(base, path, { 'x-forwarded-for': '192.0.2.10' });
        expect(r.status, `${base}${path}`).toBe(503);
      }
    }
    expect(routed.filter((r) => r.includes('/gallery/'))).toEqual([]);
  });

  it('refuses a revoked join token however the path is written', async () => {
    expect((await api('/v1/mitigations/revoke-token', { service: 'guest-api', token: otherToken,
      reason: 'posted publicly', forMs: 3_600_000 })).status).toBe(201);
    for (const base of [guest, guestStandalone]) {
      await waitFor(async () => (await get(base, `/api/v1/events/${otherToken}/stats`, {})).status === 401, 3000);
      for (const path of [`/api/v1/%65vents/${otherToken}/stats`, `/api/v1//events/${otherToken}/photos`,
        `/api/v1/events/${otherToken.slice(0, 4)}%${otherToken.charCodeAt(4).toString(16)}${otherToken.slice(5)}/stats`]) {
        expect((await get(base, path, { 'x-forwarded-for': '192.0.2.11' })).status, path).toBe(401);
      }
    }
    expect(routed.filter((r) => r.includes(otherToken))).toEqual([]);
  });

  it('limits /auth/%6cogin on the booking gateway like /auth/login: 13 POSTs, 10 answered, 3 refused', async () => {
    for (const [path, ip] of [['/auth/%6cogin', '198.51.100.21'], ['/auth/login', '198.51.100.22'],
      ['/auth//login/', '198.51.100.23']] as const) {
      const statuses: number[] = [];
      for (let i = 0; i < 13; i++) {
        const r = await get(booking, path, { 'x-forwarded-for': ip, 'content-type': 'application/json' }, 'POST',
          '{"email":"a@example.com","password":"x"}');
        statuses.push(r.status);
      }
      expect(statuses.filter((s) => s === 200).length, path).toBe(10);
      expect(statuses.filter((s) => s === 429).length, path).toBe(3);
    }
  });

  it('refuses ambiguous paths with 400 before anything else, and the app never sees them', async () => {
    const before = routed.length;
    for (const path of [`/api/v1/events/${token}%2Fstats`, `/api/v1/events/${token}%5c..%5cgallery`,
      `/api/v1/events/${token}/%00`, `/api/v1/events/${token}/%zz`, `/api/v1/events/${token}/%C0%AF`]) {
      const r = await get(guest, path, { 'x-forwarded-for': '192.0.2.12' });
      expect(r.status, path).toBe(400);
      expect(await r.json()).toMatchObject({ error: { code: 'invalid-path', details: [{ path: 'request-target' }] } });
    }
    expect(routed.length).toBe(before);
  });

  it('blocks a client behind the trusted proxy whatever Forwarded header it adds', async () => {
    expect((await api('/v1/mitigations', { service: 'guest-api', kind: 'block', target: '203.0.113.0/24',
      reason: 'enumeration', forMs: 3_600_000 })).status).toBe(201);
    // What a stock nginx sends: X-Forwarded-For with the client appended, the client's own Forwarded untouched.
    for (const base of [guest, guestStandalone]) {
      await waitFor(async () => (await get(base, '/api/v1/events/abcdef123456/stats',
        { 'x-forwarded-for': '203.0.113.9' })).status === 403, 3000);
      for (const forwarded of ['for=198.18.0.1', 'proto=https', 'for="[2001:db8::1]"', 'for=unknown']) {
        const r = await get(base, '/api/v1/events/abcdef123456/stats', { 'x-forwarded-for': '203.0.113.9', forwarded });
        expect(r.status, forwarded).toBe(403);
      }
      for (const folded of ['::ffff:0:203.0.113.9', '64:ff9b::203.0.113.9', '::203.0.113.9']) {
        expect((await get(base, '/api/v1/events/abcdef123456/stats', { 'x-forwarded-for': folded })).status, folded)
          .toBe(403);
      }
    }
  });

  it('lets no full token reach an event, the Redis stream, a log line or the store', async () => {
    for (const path of [`/api/v1/%65vents/${token}/stats`, `//api/v1/events/${token}/photos`,
      `/api/v1/evnts/${token}/stats`, `/api/v1/events/${token}%2F..`, `/${token}`]) {
      await get(guestStandalone, path, { 'x-forwarded-for': '192.0.2.13' });
      await get(guest, path, { 'x-forwarded-for': '192.0.2.13' });
    }
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      let stream: string[] = [];
      await waitFor(async () => {
        const entries = await redis.xrange(`${prefix}:events`, '-', '+');
        stream = entries.map(([, fields]) => fields.join(' '));
        return stream.filter((e) => e.includes('192.0.2.13')).length >= 5;
      }, 5000);
      expect(stream.join('\n')).not.toContain(token);
      expect(stream.join('\n')).toContain('jtQ7…0f');
      for (const key of await redis.keys(`${prefix}*`)) {
        const type = await redis.type(key);
        const dump = type === 'stream' ? JSON.stringify(await redis.xrange(key, '-', '+'))
          : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
            : type === 'string' ? ((await redis.get(key)) ?? '') : '';
        expect(dump, key).not.toContain(token);
      }
    } finally {
      redis.disconnect();
    }
    // The detector of `rampart up` has had every event; the store and its files hold none in full.
    await new Promise((r) => setTimeout(r, 1500));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(token);
    for (const file of filesUnder(join(ws.cwd, '.rampart'))) {
      expect(readFileSync(file).includes(Buffer.from(token)), file).toBe(false);
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
