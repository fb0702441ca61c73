import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { mitigation } from './testing/mitigation.js';
import { eventsArrive, sendRaw, startHarness, type Harness, type HarnessOptions } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
async function start(o: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(o);
  return h;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('proxying', () => {
  it('removes hop-by-hop headers both ways and sets X-Forwarded-*', async () => {
    const g = await start();
    const raw = await sendRaw(g, 'GET /api/v1/events/t/photos?x=1 HTTP/1.1\r\nHost: api.example\r\nX-Custom: kept\r\n'
      + 'X-Drop-Me: gone\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\nConnection: close, X-Drop-Me\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1.1 200 /);
    expect(raw.toLowerCase()).toContain('x-upstream: yes');
    expect(raw.toLowerCase()).not.toContain('keep-alive: timeout');
    const seen = g.seen[0]?.headers ?? {};
    expect(seen['x-custom']).toBe('kept');
    expect(seen['x-drop-me']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe('api.example');
    expect(g.seen[0]?.url).toBe('/api/v1/events/t/photos?x=1');
    const event = (await eventsArrive(g, 1))[0];
    expect(event).toMatchObject({ method: 'GET', status: 200, decision: 'allowed', source: 'gateway', service: 'fotospiel' });
    expect(event?.bytes).toBeGreaterThan(0);
  });

  it('streams a 50 MB upload to the upstream without buffering it', async () => {
    const g = await start();
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const hash = createHash('sha256');
    async function* body(): AsyncGenerator<Buffer> {
      yield chunk;
      hash.update(chunk);
      // Only continue once the upstream has bytes: a gateway that buffered the body would never get here.
      await until(() => (g.seen[0]?.bytes ?? 0) > 0, 'the first upload bytes at the upstream');
      for (let i = 1; i < 50; i++) {
        hash.update(chunk);
        yield chunk;
      }
    }
    const r = await g.send('/api/v1/events/t/upload', {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: Readable.from(body()),
    });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ bytes: 50 * 1024 * 1024 });
    expect(g.seen[0]?.bytes).toBe(50 * 1024 * 1024);
  });

  it('streams a large response back', async () => {
    const g = await start({
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        Readable.from((function* () {
          for (let i = 0; i < 20; i++) yield Buffer.alloc(1024 * 1024, i);
        })()).pipe(res);
      },
    });
    const r = await g.send('/api/v1/gallery/t/download');
    expect(r.status).toBe(200);
    expect(Buffer.byteLength(r.text, 'latin1')).toBeGreaterThan(0);
    const event = (await eventsArrive(g, 1))[0];
    expect(event?.bytes).toBeGreaterThan(20 * 1024 * 1024);
  });
});

describe('upstream failures', () => {
  it('answers 502 when the upstream refuses connections, with an event', async () => {
    const g = await start({ upstreamDown: true });
    const reports: unknown[] = [];
    g.gateway.events.on('upstream-error', (e) => reports.push(e));
    const r = await g.send('/api/v1/events/t/photos');
    expect(r.status).toBe(502);
    expect(r.json()).toMatchObject({ error: { code: 'upstream-unavailable' } });
    expect((await eventsArrive(g, 1))[0]).toMatchObject({ decision: 'upstream-error', rule: 'upstream:ECONNREFUSED', status: 502 });
    expect(reports).toEqual([expect.objectContaining({ code: 'ECONNREFUSED', status: 502, route: 'event-photos' })]);
  });

  it('answers 504 when the upstream is too slow to answer', async () => {
    const g = await start({ timeout: '300ms', handler: () => undefined });
    const r = await g.send('/slow');
    expect(r.status).toBe(504);
    expect((await eventsArrive(g, 1))[0]).toMatchObject({ rule: 'upstream:UND_ERR_HEADERS_TIMEOUT', status: 504 });
  });
});

describe('bad input', () => {
  it('refuses too many headers with 431 and keeps serving', async () => {
    const g = await start({ options: { maxHeaderCount: 20 } });
    const headers: Record<string, string> = {};
    for (let i = 0; i < 30; i++) headers[`x-h${i}`] = 'v';
    const r = await g.send('/x', { headers });
    expect(r.status).toBe(431);
    expect(g.seen).toHaveLength(0);
    expect((await g.send('/x')).status).toBe(200);
  });

  it('refuses an oversized header block with 431', async () => {
    const g = await start({ options: { maxHeaderSize: 4096 } });
    const r = await g.send('/x', { headers: { 'x-big': 'a'.repeat(8000) } }).catch(() => null);
    if (r !== null) expect(r.status).toBe(431);
    expect((await g.send('/x')).status).toBe(200);
    expect(g.seen).toHaveLength(1);
  });

  it('judges and forwards the canonical path, and refuses ambiguous ones with 400 in the catalog shape', async () => {
    const g = await start({ gateway: { switches: [{ name: 'gallery', routes: ['gallery'] }] } });
    await g.state.apply(mitigation(g.clock, 'switch-off', 'gallery'));
    const get = (path: string): Promise<string> => sendRaw(g, `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    expect(await get('/api/v1/events/x/../../gallery/t/download')).toMatch(/^HTTP\/1.1 503 /);
    expect(await get('/api/v1/events/x/%2e%2e/y')).toMatch(/^HTTP\/1.1 200 /);
    expect(g.seen.map((s) => s.url)).toEqual(['/api/v1/events/y']);
    const refused = await get('/api/v1/events/x%2Fy/z');
    expect(refused).toMatch(/^HTTP\/1.1 400 /);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'invalid-path',
      message: 'The request path is not valid.', details: [{ path: 'request-target', message: 'has an encoded "/" or "\\" inside a segment' }] } });
    expect((await g.send('/api/v1/events/x/caf%C3%A9')).status).toBe(200);
    expect(g.seen.length).toBe(2);
  });
});

describe('graceful close', () => {
  it('drains an in-flight request before closing', async () => {
    let release: (() => void) | null = null;
    const g = await start({
      handler: (_req, res) => {
        release = () => res.end('done');
        res.writeHead(200);
      },
    });
    const client = new Client(g.base);
    const pending = client.request({ path: '/long', method: 'GET' }).then(async (r) => ({
      status: r.statusCode,
      text: await r.body.text(),
    }));
    await until(() => release !== null, 'the request at the upstream');
    let closed = false;
    const closing = g.gateway.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    expect(g.gateway.server.listening).toBe(false);
    (release as unknown as () => void)();
    expect(await pending).toEqual({ status: 200, text: 'done' });
    await closing;
    expect(closed).toBe(true);
    await client.close();
  });
});

describe('client going away', () => {
  it('cancels the upstream request when the client disconnects before the answer', async () => {
    let arrived = 0;
    let upstreamClosed = 0;
    const g = await start({
      handler: (_req, res) => {
        arrived++;
        // Never answers: only the gateway cancelling the request ends it.
        res.on('close', () => upstreamClosed++);
      },
    });
    const url = new URL(g.base);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.on('error', () => undefined);
    socket.write('GET /api/v1/events/t/photos HTTP/1.1\r\nHost: api.example\r\n\r\n');
    await until(() => arrived === 1, 'the request at the upstream');
    expect(upstreamClosed).toBe(0);
    socket.destroy();
    await until(() => upstreamClosed === 1, 'the upstream request to be cancelled');
    const event = (await eventsArrive(g, 1))[0];
    expect(event?.fields).toMatchObject({ completed: false });
  });
});
