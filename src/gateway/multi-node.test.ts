import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.js';
import { compileGatewayConfig } from './config.js';
import { createGateway, type Gateway } from './proxy.js';
import { createRedisGatewayState, type RedisGatewayState } from './state/redis-gateway-state.js';
import { spawnGateway, type GatewayChild } from './testing/gateway-child.js';
import { mitigation } from './testing/mitigation.js';
import {
  deleteKeys,
  freePort,
  redisSuitesEnabled,
  startPrivateRedis,
  testPrefix,
  TEST_REDIS_URL,
  type PrivateRedis,
} from './testing/redis.js';

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });
let upstream: Server;
let upstreamUrl: string;
const prefixes: string[] = [];
const children: GatewayChild[] = [];
const redises: PrivateRedis[] = [];

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await Promise.all(redises.map((r) => r.kill()));
  await agent.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  for (const prefix of prefixes) await deleteKeys(TEST_REDIS_URL, prefix);
});

/** Status B answers for a client at `ip`, via a trusted X-Forwarded-For from loopback; 0 on a connection error. */
async function statusFor(port: number, ip: string): Promise<number> {
  try {
    const r = await request(`http://127.0.0.1:${port}/api/photos`, {
      dispatcher: agent,
      headers: { 'x-forwarded-for': ip },
    });
    await r.body.dump();
    return r.statusCode;
  } catch {
    return 0;
  }
}

/** Polls until the gateway answers 403 for ip; returns the milliseconds since `from`. */
async function untilBlocked(port: number, ip: string, from: number, boundMs: number): Promise<number> {
  while (performance.now() - from < boundMs) {
    if ((await statusFor(port, ip)) === 403) return performance.now() - from;
  }
  throw new Error(`port ${port} did not block ${ip} within ${boundMs} ms`);
}

const block = (target: string) => mitigation(systemClock, 'block', target);

describe.runIf(await redisSuitesEnabled())('gateways sharing Redis', () => {
  it('two gateways in one process: a block applied through A is enforced by B within 100 ms', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const config = compileGatewayConfig({
      service: {
        name: 'fotospiel',
        upstream: { url: upstreamUrl },
        routes: [{ name: 'api', pattern: '/api/*' }],
      },
      gateway: { trusted_proxies: ['127.0.0.1'] },
    });
    const shared: RedisGatewayState[] = [];
    const gateways: Gateway[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = await createRedisGatewayState({ redisUrl: TEST_REDIS_URL, prefix, service: 'fotospiel' });
        shared.push(s);
        gateways.push(createGateway(config, { tokenHashKey: 'k', state: s.state, limiter: s.limiter }));
      }
      const [a, b] = gateways as [Gateway, Gateway];
      await a.listen(0, '127.0.0.1');
      const portB = (await b.listen(0, '127.0.0.1')).port;
      // Five blocks, judged by the median: one sample on a loaded 2-core CI machine says more about the machine.
      const timings: number[] = [];
      for (let n = 20; n < 25; n++) {
        expect(await statusFor(portB, `198.51.100.${n}`)).toBe(200);
        const t0 = performance.now();
        await a.state.apply(block(`198.51.100.${n}`));
        timings.push(await untilBlocked(portB, `198.51.100.${n}`, t0, 2_000));
      }
      const median = [...timings].sort((x, y) => x - y)[2] ?? Infinity;
      console.info(
        `in-process: B enforced A's blocks after ${timings.map((t) => t.toFixed(2)).join(', ')} ms (median ${median.toFixed(2)})`,
      );
      expect(median).toBeLessThan(100);
      expect(await statusFor(portB, '198.51.100.30')).toBe(200);
    } finally {
      for (const g of gateways) await g.close();
      for (const s of shared) await s.close();
    }
  });

  it('two gateway processes: a block applied through A rejects at B within 100 ms', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const env = { REDIS_URL: TEST_REDIS_URL, PREFIX: prefix, UPSTREAM: upstreamUrl };
    const [a, b] = await Promise.all([spawnGateway(env), spawnGateway(env)]);
    children.push(a, b);
    expect(await statusFor(b.port, '198.51.100.30')).toBe(200);
    // Warm-up: the first refusal in a fresh process compiles the rejection path (≈ 20 ms once).
    await a.command({ op: 'apply', mitigation: block('198.51.100.29') });
    await untilBlocked(b.port, '198.51.100.29', performance.now(), 2_000);
    const figures: number[] = [];
    for (let i = 0; i < 7; i++) {
      const ip = `198.51.100.${30 + i}`;
      const t0 = performance.now();
      // Through A's own RedisState (stdin command), timed from before the command is written.
      expect(await a.command({ op: 'apply', mitigation: block(ip) })).toMatchObject({ ok: true });
      figures.push(await untilBlocked(b.port, ip, t0, 2_000));
    }
    console.info(
      `two processes: B enforced A's block after ${figures.map((f) => f.toFixed(2)).join(', ')} ms`,
    );
    // The median, not the maximum: on a shared 2-core machine a child process can wait >100 ms for a CPU
    // (measured with a load average of 8); the state itself propagates in 1–4 ms (pub/sub on loopback).
    const median = [...figures].sort((x, y) => x - y)[3] as number;
    expect(median).toBeLessThan(100);
    expect(await statusFor(a.port, '198.51.100.30')).toBe(403);
  });

  it('survives a Redis outage under load: no failed request, known blocks kept, convergence after', async () => {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    redises.push(redis);
    const prefix = testPrefix();
    const env = { REDIS_URL: redis.url, PREFIX: prefix, UPSTREAM: upstreamUrl };
    const [a, b] = await Promise.all([spawnGateway(env), spawnGateway(env)]);
    children.push(a, b);
    await a.command({ op: 'apply', mitigation: block('198.51.100.1') });
    await untilBlocked(b.port, '198.51.100.1', performance.now(), 2_000);

    const failures: string[] = [];
    // Bounded by progress, not by a request rate: a busy CI machine serves fewer requests per second, and the
    // test must still see traffic before, during and after the outage. Hard cap: 30 s.
    const counts = { total: 0, blocked: 0, during: 0, after: 0 };
    let phase: 'before' | 'during' | 'after' = 'before';
    let stop = false;
    let outageBlockApplied = false;
    const start = performance.now();
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop && performance.now() - start < 30_000; i++) {
        const gw = (w + i) % 2 === 0 ? a : b;
        const ip =
          i % 5 === 0 ? '198.51.100.1' : i % 5 === 1 ? '198.51.100.2' : `203.0.113.${(w * 7 + i) % 50}`;
        // What was in force when the request was sent: one already on its way when the block landed may pass.
        const blockedWhenSent = outageBlockApplied;
        const status = await statusFor(gw.port, ip);
        counts.total++;
        if (phase === 'during') counts.during++;
        if (phase === 'after') counts.after++;
        if (status === 403) counts.blocked++;
        const ok =
          ip === '198.51.100.1'
            ? status === 403
            : ip === '198.51.100.2'
              ? status === 200 || status === 403
              : status === 200;
        if (!ok)
          failures.push(
            `${gw === a ? 'A' : 'B'} ${ip} → ${status} at ${(performance.now() - start).toFixed(0)} ms`,
          );
        if (gw === a && ip === '198.51.100.2' && blockedWhenSent && status !== 403)
          failures.push(`A forgot its outage block`);
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await new Promise((resolve) => setTimeout(resolve, 800));
    await redis.kill();
    phase = 'during';
    await new Promise((resolve) => setTimeout(resolve, 300));
    // During the outage: A takes a new block at once and queues it for Redis.
    expect(await a.command({ op: 'apply', mitigation: block('198.51.100.2') })).toMatchObject({ ok: true });
    outageBlockApplied = true;
    expect(await a.command({ op: 'status' })).toMatchObject({ state: 'degraded', pending: 1 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    redis = await startPrivateRedis(port);
    redises.push(redis);
    phase = 'after';
    const back = performance.now();
    while (counts.after < 300 && performance.now() - start < 30_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    stop = true;
    await load;
    const convergedMs = await untilBlocked(b.port, '198.51.100.2', back, 10_000);
    console.info(
      `outage: ${counts.total} requests (${counts.blocked} blocked), ${failures.length} failed; ` +
        `B enforced A's outage-time block ${convergedMs.toFixed(0)} ms after Redis restarted`,
    );
    expect(failures).toEqual([]);
    expect(counts.during).toBeGreaterThan(20);
    expect(counts.after).toBeGreaterThanOrEqual(300);
    // Redis came back empty (no persistence): both gateways re-wrote what they held, and both enforce both blocks.
    for (const gw of [a, b]) {
      expect(await statusFor(gw.port, '198.51.100.1')).toBe(403);
      expect(await statusFor(gw.port, '198.51.100.2')).toBe(403);
      expect(await gw.command({ op: 'status' })).toMatchObject({
        state: 'connected',
        limiter: 'connected',
        pending: 0,
      });
    }
    const log = (await a.command({ op: 'status' })).log as string[];
    expect(log.filter((s) => s === 'state:degraded')).toHaveLength(1);
    expect(a.stderr().match(/Redis is unavailable/g)?.length).toBeLessThanOrEqual(2);
  });
});
