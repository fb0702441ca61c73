import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorSchema } from '../playbook/schema/operations.js';
import { ManualClock } from '../shared/clock.js';
import { compileMonitor, compileMonitors, type CompiledMonitor } from './compile-monitor.js';
import { runMonitor } from './run-monitor.js';
import { startFakeApp, type FakeApp } from './testing/fake-app.js';
import { fotospielPlaybook } from '../notify/testing/harness.js';

const TOKEN = 'known/good token';
const clock = new ManualClock('2026-01-05T10:00:00.000Z');

function monitor(spec: unknown, env: Record<string, string> = { KNOWN_GOOD_TOKEN: TOKEN }): CompiledMonitor {
  return compileMonitor('guest-api', monitorSchema.parse(spec), env);
}

describe('runMonitor against a local server', () => {
  let app: FakeApp;
  beforeAll(async () => {
    app = await startFakeApp({ knownToken: TOKEN, limit: 5 });
  });
  afterAll(() => app.close());

  it('passes the seed\'s "curl -I with a known-good join token answers 200", token filled from the environment', async () => {
    const m = monitor({
      name: 'gallery-known-good',
      request: { method: 'HEAD', url: `${app.url}/api/v1/gallery/\${KNOWN_GOOD_TOKEN}` },
      expect: { status: 200, latency_max: '2s', headers_present: ['x-ratelimit-limit'] },
    });
    expect(m.url).toBe(`${app.url}/api/v1/gallery/known%2Fgood%20token`);
    const result = await runMonitor(m, { clock });
    expect(result).toMatchObject({ ok: true, status: 200, failures: [], at: '2026-01-05T10:00:00.000Z' });
  });

  it('names every failed assertion: status, headers, latency and body, without the token', async () => {
    app.healthy = false;
    let t = 0;
    const m = monitor({
      name: 'events-known-good',
      request: { url: `${app.url}/api/v1/events/\${KNOWN_GOOD_TOKEN}/stats` },
      expect: {
        status: 200,
        headers_present: ['RateLimit'],
        headers: { 'content-type': 'application/json' },
        latency_max: '2s',
        body_contains: '"photos"',
      },
    });
    const result = await runMonitor(m, { clock, elapsed: () => (t += 2300) - 2300 });
    app.healthy = true;
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual([
      'expected status 200, got 503',
      'header ratelimit missing',
      'header content-type expected "application/json", got "text/plain"',
      'latency 2300 ms over 2000 ms',
      'body lacks ""photos""',
    ]);
    expect(JSON.stringify(result)).not.toContain('known');
  });

  it('sends N requests in a row and judges the last: the seed\'s "must end in a 429 with rate-limit headers"', async () => {
    const fresh = await startFakeApp({ knownToken: TOKEN, limit: 9 });
    try {
      const m = monitor({
        name: 'rate-limit-active',
        request: { method: 'HEAD', url: `${fresh.url}/api/v1/gallery/\${KNOWN_GOOD_TOKEN}` },
        expect: {
          status: 429,
          headers_present: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after'],
        },
        repeat: 10,
      });
      expect(await runMonitor(m, { clock })).toMatchObject({ ok: true, status: 429 });
      expect(fresh.hits).toHaveLength(10);
      // Limit not reached in 10: the 10th answer is a 200, so the check fails and says so.
      const roomy = await startFakeApp({ knownToken: TOKEN, limit: 100 });
      try {
        const result = await runMonitor({ ...m, url: m.url.replace(fresh.url, roomy.url) }, { clock });
        expect(result.failures).toEqual(['expected status 429, got 200', 'header retry-after missing']);
      } finally {
        await roomy.close();
      }
    } finally {
      await fresh.close();
    }
  });

  it('reports a refused connection and a timeout by code, never by URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = monitor({
      name: 'down',
      request: { url: `http://127.0.0.1:${port}/api/v1/gallery/\${KNOWN_GOOD_TOKEN}` },
      expect: { status: 200 },
      repeat: 3,
    });
    const r1 = await runMonitor(refused, { clock });
    expect(r1).toMatchObject({
      ok: false,
      status: null,
      failures: ['request 1 of 3: request failed: ECONNREFUSED'],
    });

    const hanging = createServer(() => undefined);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    try {
      const controller = new AbortController();
      const slow = monitor({
        name: 'slow',
        request: { url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/x` },
        timeout: '5s',
      });
      hanging.once('request', () => controller.abort());
      const r2 = await runMonitor(slow, { clock, timeoutSignal: () => controller.signal });
      expect(r2.failures).toEqual(['no answer within 5000 ms']);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((r) => hanging.close(() => r()));
    }
  });
});

describe('compileMonitors', () => {
  it('stops start-up naming each monitor and the variable it lacks', async () => {
    const playbook = await fotospielPlaybook();
    expect(() => compileMonitors([playbook], {})).toThrow(
      /monitor gallery-known-good of guest-api needs the environment variable KNOWN_GOOD_TOKEN/,
    );
    const all = compileMonitors([playbook], { KNOWN_GOOD_TOKEN: 'tok' });
    expect(all.map((m) => [m.name, m.intervalMs, m.timeoutMs])).toEqual([
      ['gallery-known-good', 60_000, 5_000],
      ['events-known-good', 60_000, 5_000],
      ['rate-limit-headers', 900_000, 5_000],
      ['invalid-token-refused', 900_000, 5_000],
    ]);
  });
});
