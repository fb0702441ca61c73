import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from './testing/harness.js';
import { dripUpload, loopback, summarise, timedRequest, type SlowClient, type Timed } from './testing/slow-client.js';

/**
 * Issue 9, break 4, from the outside: real sockets on loopback, each attacker on its own 127.x.y.z source.
 * Every attacker stops by itself (maxMs) and is stopped again in afterEach.
 */
let h: Harness | null = null;
let attackers: SlowClient[] = [];
afterEach(async () => {
  for (const a of attackers) a.stop();
  attackers = [];
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

describe('slow request bodies (issue 9, break 4)', () => {
  it('the report: 135 uploads dripping 10 bytes every 2 s from 40 addresses leave /health and normal clients answering, and each drip is refused with an event while the attack runs', async () => {
    const { g, port } = await start({ gateway: { exempt_routes: ['health'], client_limits: { body_idle_timeout: '5s' } } as HarnessOptions['gateway'] });
    const attackStarted = Date.now();
    for (let i = 0; i < 135; i++) {
      attackers.push(dripUpload({ port, localAddress: loopback(100 + (i % 40), 7), maxMs: 25_000 }));
    }
    // Long enough for every drip to have reached the gateway (and, before the fix, to hold an upstream connection).
    await sleep(2000);
    const { health, normal } = await sampleNormalClients(port, 8);
    const hz = summarise(health);
    const rest = summarise(normal);
    console.log(`during 135 drips: /health max ${hz.max.toFixed(0)} ms, normal p95 ${rest.p95.toFixed(0)} ms, max ${rest.max.toFixed(0)} ms`);
    expect(hz.statuses).toEqual([200]);
    expect(rest.statuses).toEqual([200]);
    expect(hz.p95).toBeLessThan(1000);
    expect(rest.p95).toBeLessThan(1000);

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
