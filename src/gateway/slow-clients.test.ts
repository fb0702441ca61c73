import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './testing/harness.js';
import {
  dripUpload,
  loopback,
  runSlowAttack,
  slowHead,
  summarise,
  timedRequest,
  type SlowClient,
  type Timed,
} from './testing/slow-client.js';

/**
 * Issue 9, break 4, from the outside: real sockets on loopback, each attacker on its own 127.x.y.z source.
 * Every attacker stops by itself (maxMs) and is stopped again in afterEach.
 */
let h: Harness | null = null;
let attackers: SlowClient[] = [];
let stopAttack: (() => void) | null = null;
afterEach(async () => {
  for (const a of attackers) a.stop();
  attackers = [];
  stopAttack?.();
  stopAttack = null;
  await h?.close();
  h = null;
});

async function start(o: HarnessOptions): Promise<{ g: Harness; port: number }> {
  h = await startHarness(o);
  return { g: h, port: Number(new URL(h.base).port) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** /health, a normal read and a small normal upload, from addresses no attacker uses, `rounds` times. */
async function sampleNormalClients(port: number, rounds: number): Promise<{ health: Timed[]; normal: Timed[] }> {
  const health: Timed[] = [];
  const normal: Timed[] = [];
  for (let i = 0; i < rounds; i++) {
    const [hz, read, upload] = await Promise.all([
      timedRequest({ port, path: '/health', localAddress: '127.200.0.2', timeoutMs: 5000 }),
      timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: loopback(40_000 + i, 9), timeoutMs: 5000 }),
      timedRequest({ port, path: '/api/v1/events/tok/photos', method: 'POST', body: Buffer.alloc(20_000, 1),
        localAddress: loopback(41_000 + i, 9), timeoutMs: 5000 }),
    ]);
    health.push(hz);
    normal.push(read, upload);
    await sleep(150);
  }
  return { health, normal };
}

/**
 * "Keep answering within 1 s", judged over every sample so one scheduling hiccup of a shared 2-core machine does
 * not decide it: all answered 200, the median of /health and of normal requests under 1 s, and the 95th
 * percentile under 2 s (the code before the fix: 5 s, the samplers' own bound, with failures).
 */
function expectAnsweredWithinOneSecond(...groups: ReturnType<typeof summarise>[]): void {
  for (const g of groups) {
    expect(g.statuses).toEqual([200]);
    expect(g.median).toBeLessThan(1000);
    expect(g.p95).toBeLessThan(2000);
  }
}

describe('slow request bodies (issue 9, break 4)', () => {
  it('the report: 135 uploads dripping 10 bytes every 2 s from 40 addresses leave /health and normal clients answering, and each drip is refused with an event while the attack runs', async () => {
    const { g, port } = await start({ gateway: { exempt_routes: ['health'], client_limits: { body_idle_timeout: '5s' } } });
    const attackStarted = Date.now();
    for (let i = 0; i < 135; i++) {
      attackers.push(dripUpload({ port, localAddress: loopback(100 + (i % 40), 7), maxMs: 25_000 }));
    }
    // Long enough for every drip to have reached the gateway (and, before the fix, to hold an upstream connection).
    await sleep(2000);
    const { health, normal } = await sampleNormalClients(port, 8);
    const hz = summarise(health);
    const rest = summarise(normal);
    console.log(`during 135 drips: /health median ${hz.median.toFixed(0)} ms, max ${hz.max.toFixed(0)} ms; normal median ${rest.median.toFixed(0)} ms, p95 ${rest.p95.toFixed(0)} ms, max ${rest.max.toFixed(0)} ms`);
    expectAnsweredWithinOneSecond(hz, rest);

    const outcomes = await Promise.all(attackers.map((a) => a.done));
    // Refused by the gateway (408 and closed), long before the attackers' own 25 s bound.
    expect(outcomes.filter((o) => o.closedByServer && o.status === 408)).toHaveLength(135);
    const slow = g.events.filter((e) => e.decision === 'slow-client');
    expect(slow).toHaveLength(135);
    expect(slow[0]).toMatchObject({ status: 408, rule: 'slow-client:body-rate', method: 'POST', route: '/api/v1/events/{token}/photos' });
    expect(new Set(slow.map((e) => e.ip)).size).toBe(40);
    // While the attack was running: the first refusals came within a few body-idle timeouts, not at its end.
    expect(Math.max(...outcomes.map((o) => o.afterMs))).toBeLessThan(15_000);
    expect(Date.now() - attackStarted).toBeLessThan(20_000);
  }, 60_000);
});

describe('500 slow connections (issue 9 acceptance)', () => {
  it('250 slowloris heads and 250 drip uploads from 100 networks, reopened as soon as refused: /health and normal clients answer within 1 s', async () => {
    const { g, port } = await start({
      gateway: { exempt_routes: ['health'], client_limits: { header_timeout: '3s', body_idle_timeout: '3s' } },
    });
    // The attack runs in its own process: the gateway here shares its event loop only with the samplers.
    const attack = runSlowAttack({ port, slots: 500, networks: 100, durationMs: 12_000 });
    stopAttack = () => attack.stop();
    // Until all 500 are in (node with tsx takes a moment to start).
    let openAtStart = 0;
    for (let i = 0; i < 150 && openAtStart < 500; i++) {
      await sleep(100);
      openAtStart = await new Promise<number>((resolve) => g.gateway.server.getConnections((_e, n) => resolve(n)));
    }
    const { health, normal } = await sampleNormalClients(port, 20);
    const report = await attack.report;
    const hz = summarise(health);
    const rest = summarise(normal);
    const heads = g.events.filter((e) => e.rule === 'slow-client:header-timeout');
    const bodies = g.events.filter((e) => e.rule === 'slow-client:body-rate');
    console.log(`500 slow connections for 12 s (${openAtStart} open when sampling began): /health median `
      + `${hz.median.toFixed(0)} ms, p95 ${hz.p95.toFixed(0)} ms, max ${hz.max.toFixed(0)} ms; normal median `
      + `${rest.median.toFixed(0)} ms, p95 ${rest.p95.toFixed(0)} ms, max ${rest.max.toFixed(0)} ms; attacker `
      + JSON.stringify(report));
    expect(openAtStart).toBeGreaterThanOrEqual(500);
    expectAnsweredWithinOneSecond(hz, rest);
    // Every attacker was refused by the gateway with a 408 and reopened, at least once per slot.
    expect(report.refusedByGateway).toBeGreaterThanOrEqual(500);
    expect(Object.keys(report.statuses)).toEqual(['408']);
    expect(heads.length).toBeGreaterThanOrEqual(250);
    expect(bodies.length).toBeGreaterThanOrEqual(250);
    expect(heads[0]).toMatchObject({ status: 408, decision: 'slow-client', method: '', path: '' });
    expect(heads[0]?.ipPrefix).toMatch(/^127\.\d+\.\d+\.0\/24$/);
  }, 60_000);
});

describe('per-client caps on requests in progress', () => {
  it('refuses the request over the per-address and per-/24 caps at once with 429, Retry-After and an event; exempt routes and other networks pass', async () => {
    const { g, port } = await start({
      gateway: { exempt_routes: ['health'], client_limits: { max_concurrent_per_ip: 3, max_concurrent_per_prefix: 5 } },
    });
    const held = [0, 1, 2].map(() => dripUpload({ port, localAddress: '127.50.0.2', maxMs: 20_000 }));
    attackers.push(...held);
    await sleep(500);
    const over = await timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: '127.50.0.2' });
    expect(over.status).toBe(429);
    // The event is there as soon as the refusal is: not when the requests holding the slots end.
    const refused = g.events.filter((e) => e.decision === 'concurrency-limited');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 429, rule: 'concurrency:per-ip', ip: '127.50.0.2',
      ipPrefix: '127.50.0.0/24' });
    const raw = await sendAs(port, '127.50.0.2', 'GET /api/v1/events/tok/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1.1 429 /);
    expect(raw.toLowerCase()).toContain('retry-after: 1\r\n');
    expect(raw).toContain('"code":"too-many-in-progress"');

    expect((await timedRequest({ port, path: '/health', localAddress: '127.50.0.2' })).status).toBe(200);
    attackers.push(dripUpload({ port, localAddress: '127.50.0.3', maxMs: 20_000 }),
      dripUpload({ port, localAddress: '127.50.0.3', maxMs: 20_000 }));
    await sleep(500);
    expect((await timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: '127.50.0.4' })).status).toBe(429);
    expect(g.events.at(-1)).toMatchObject({ rule: 'concurrency:per-prefix', ip: '127.50.0.4' });
    expect((await timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: '127.51.0.4' })).status).toBe(200);

    // One upload ends: its address may start another.
    held[0]?.stop();
    await sleep(300);
    expect((await timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: '127.50.0.2' })).status).toBe(200);
  }, 30_000);

  it('with the defaults, a venue of 200 guests behind one NAT address uploading photos at once is not refused', async () => {
    const { g, port } = await start({ gateway: { exempt_routes: ['health'] } });
    const photo = Buffer.alloc(150_000, 7);
    const uploads = await Promise.all(Array.from({ length: 200 }, () => timedRequest({
      port, path: '/api/v1/events/tok/photos', method: 'POST', body: photo, localAddress: '127.60.0.2', timeoutMs: 20_000,
    })));
    expect(summarise(uploads).statuses).toEqual([200]);
    expect(g.seen.filter((s) => s.bytes === photo.length)).toHaveLength(200);
    expect(g.events.filter((e) => e.decision !== 'allowed')).toEqual([]);
  }, 30_000);

  it('a refused upload that keeps dripping is read and dropped only as long as it keeps the minimum rate', async () => {
    const { port } = await start({
      gateway: { client_limits: { max_concurrent_per_ip: 1, body_idle_timeout: '2s' } },
    });
    const first = timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: '127.52.0.2' });
    expect((await first).status).toBe(200);
    const holder = dripUpload({ port, localAddress: '127.52.0.2', drip: 2000, everyMs: 1000, maxMs: 20_000 });
    attackers.push(holder);
    await sleep(300);
    const refused = dripUpload({ port, localAddress: '127.52.0.2', maxMs: 20_000 });
    attackers.push(refused);
    const outcome = await refused.done;
    expect(outcome.status).toBe(429);
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.afterMs).toBeLessThan(8000);
  }, 30_000);
});

describe('slow request heads', () => {
  it('answers a head slower than header_timeout with 408 and an event naming the client, but never a trusted proxy', async () => {
    const { g, port } = await start({
      gateway: { trusted_proxies: ['127.0.0.1/32'], client_limits: { header_timeout: '1s' } },
    });
    const fromClient = slowHead({ port, localAddress: '127.70.0.2', everyMs: 300, maxMs: 10_000 });
    const fromProxy = slowHead({ port, localAddress: '127.0.0.1', everyMs: 300, maxMs: 10_000 });
    attackers.push(fromClient, fromProxy);
    const outcomes = await Promise.all([fromClient.done, fromProxy.done]);
    expect(outcomes.map((o) => [o.status, o.closedByServer])).toEqual([[408, true], [408, true]]);
    expect(outcomes.every((o) => o.afterMs < 5000)).toBe(true);
    const events = g.events.filter((e) => e.rule === 'slow-client:header-timeout');
    expect(events.map((e) => e.ip).sort()).toEqual(['127.70.0.2', null]);
  }, 20_000);

  it('an idle keep-alive connection between requests is not a slow head', async () => {
    const { g, port } = await start({ gateway: { client_limits: { header_timeout: '1s' } } });
    const raw = await sendAs(port, '127.71.0.2', 'GET /api/v1/events/tok/stats HTTP/1.1\r\nHost: x\r\n\r\n', 2500,
      'GET /api/v1/events/tok/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw.match(/HTTP\/1.1 200 /g)).toHaveLength(2);
    expect(g.events.filter((e) => e.decision === 'slow-client')).toEqual([]);
  }, 20_000);
});

describe('upstream capacity', () => {
  it('keeps a reserve for exempt routes and refuses ordinary requests beyond the queue with 503, Retry-After and an event', async () => {
    const parked: (() => void)[] = [];
    const { g, port } = await start({
      gateway: { exempt_routes: ['health'],
        client_limits: { upstream_connections: 4, reserve_for_exempt: 1, upstream_queue: 2 } },
      handler: (req, res, seen) => {
        const answer = (): void => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ url: seen.url }));
        };
        if (req.url?.includes('/slow') === true) parked.push(answer);
        else answer();
      },
    });
    // Three on the ordinary connections, two waiting for one.
    const waiting = Array.from({ length: 5 }, (_, i) => timedRequest({
      port, path: `/api/v1/events/tok/slow${i}`, localAddress: loopback(80 + i, 2), timeoutMs: 20_000 }));
    for (let i = 0; i < 100 && parked.length < 3; i++) await sleep(20);
    expect(parked).toHaveLength(3);
    const shed = await sendAs(port, '127.90.0.2', 'GET /api/v1/events/tok/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(shed).toMatch(/^HTTP\/1.1 503 /);
    expect(shed.toLowerCase()).toContain('retry-after: 5\r\n');
    expect(g.events.filter((e) => e.decision === 'overloaded')).toMatchObject([
      { status: 503, rule: 'upstream:queue-full', ip: '127.90.0.2' }]);
    const health = await timedRequest({ port, path: '/health', localAddress: '127.91.0.2' });
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    while (parked.length > 0 || (await Promise.race([Promise.all(waiting).then(() => true), sleep(50).then(() => false)])) === false) {
      parked.shift()?.();
      await sleep(20);
    }
    expect(summarise(await Promise.all(waiting)).statuses).toEqual([200]);
    expect((await timedRequest({ port, path: '/api/v1/events/tok/stats', localAddress: '127.90.0.2' })).status).toBe(200);
  }, 30_000);

  it('does not count against the client the time an upstream takes to start reading its body', async () => {
    const { g, port } = await start({
      upstreamReadDelayMs: 5000,
      gateway: { client_limits: { body_idle_timeout: '2s' } },
    });
    const upload = await timedRequest({ port, path: '/api/v1/events/tok/photos', method: 'POST',
      body: Buffer.alloc(4_000_000, 3), localAddress: '127.92.0.2', timeoutMs: 20_000 });
    expect(upload.status).toBe(200);
    expect(upload.ms).toBeGreaterThan(4500);
    expect(g.seen[0]?.bytes).toBe(4_000_000);
  }, 30_000);
});

/** Raw bytes from a chosen source address; an optional second write after a pause. Returns all it read. */
function sendAs(port: number, localAddress: string, head: string, pauseMs = 0, then?: string): Promise<string> {
  return new Promise((resolve, rejectSend) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', rejectSend);
    socket.setTimeout(15_000, () => socket.destroy());
    socket.write(head);
    if (then !== undefined) setTimeout(() => socket.write(then), pauseMs);
  });
}

describe('body prefetch', () => {
  it('forwards a small chunked body whole, and a large one as a stream, byte for byte', async () => {
    const { g, port } = await start({ gateway: {} });
    const small = await sendAs(port, '127.93.0.2', 'POST /api/v1/events/tok/photos HTTP/1.1\r\nHost: x\r\n'
      + 'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    expect(small).toMatch(/^HTTP\/1.1 200 /);
    expect(g.seen[0]).toMatchObject({ bytes: 11 });
    expect(g.seen[0]?.headers['content-length']).toBe('11');
    const large = await timedRequest({ port, path: '/api/v1/events/tok/photos', method: 'POST',
      body: Buffer.alloc(300_000, 9), localAddress: '127.93.0.3' });
    expect(large.status).toBe(200);
    expect(g.seen[1]?.bytes).toBe(300_000);
  });
});
