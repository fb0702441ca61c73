import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestEvent } from '../../domain/request-event.js';
import {
  TEST_REDIS_URL,
  deleteKeys,
  freePort,
  redisSuitesEnabled,
  startPrivateRedis,
  testPrefix,
  type PrivateRedis,
} from '../../gateway/testing/redis.js';
import { T0, requestEvent } from '../testing/events.js';
import { encodeEvent } from './event-codec.js';
import { consumeEvents, type ConsumeEventsOptions, type EventConsumer } from './event-consumer.js';
import { createEventPublisher } from './event-publisher.js';
import { EVENT_FIELD, eventStreamKey, type EventStreamLogger } from './redis-events.js';

const prefixes: string[] = [];
const started: PrivateRedis[] = [];
const consumers: EventConsumer[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await Promise.all(clients.map((c) => c.quit()));
  await Promise.all(started.map((r) => r.kill()));
  await Promise.all(prefixes.map((p) => deleteKeys(TEST_REDIS_URL, p)));
});

const until = async (what: () => boolean, boundMs = 5_000): Promise<void> => {
  const end = Date.now() + boundMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const numbered = (n: number): RequestEvent =>
  requestEvent({ time: T0 + n, tokenHash: n % 2 ? null : `h${n}`, fields: { n, even: n % 2 === 0 } });

/** A consumer on a fresh prefix of the machine's Redis, collecting what it is handed. */
const start = (options: Partial<ConsumeEventsOptions> & { prefix: string; redisUrl?: string }) => {
  const got: RequestEvent[] = [];
  const warnings: string[] = [];
  const logger: EventStreamLogger = {
    info() {},
    warn: (_o, msg) => warnings.push(msg),
    error: (_o, msg) => warnings.push(msg),
  };
  const consumer = consumeEvents({
    redisUrl: TEST_REDIS_URL,
    blockMs: 200,
    onEvent: (e) => got.push(e),
    logger,
    ...options,
  });
  consumers.push(consumer);
  return { consumer, got, warnings };
};

const client = (url = TEST_REDIS_URL) => {
  const r = new Redis(url);
  clients.push(r);
  return r;
};

const pendingCount = async (r: Redis, prefix: string, group = 'rampart-detector') =>
  ((await r.xpending(eventStreamKey(prefix), group)) as [number, ...unknown[]])[0];

describe.runIf(await redisSuitesEnabled())('consumeEvents', () => {
  it('hands every published event to onEvent, in order and exactly as sent, and ACKs them', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const { consumer, got } = start({ prefix });
    await until(() => consumer.stats().status === 'connected');
    const publisher = createEventPublisher({ redisUrl: TEST_REDIS_URL, prefix });
    const events = Array.from({ length: 2_000 }, (_, n) => numbered(n));
    for (const event of events) publisher.publish(event);
    await until(() => got.length === 2_000);
    await publisher.close();

    expect(got).toEqual(events);
    await until(() => consumer.stats().acked === 2_000);
    expect(await pendingCount(client(), prefix)).toBe(0);
    expect(consumer.stats()).toMatchObject({ delivered: 2_000, processed: 2_000, malformed: 0, failed: 0 });
  });

  it("re-delivers a crashed consumer's un-ACKed entries to a new consumer of the group (XAUTOCLAIM)", async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const r = client();
    const key = eventStreamKey(prefix);
    await r.xgroup('CREATE', key, 'rampart-detector', '$', 'MKSTREAM');
    for (let n = 0; n < 5; n++) await r.xadd(key, '*', EVENT_FIELD, encodeEvent(numbered(n)));
    // The "crashed" consumer read them and never ACKed.
    const read = await r.xreadgroup('GROUP', 'rampart-detector', 'dead', 'COUNT', 10, 'STREAMS', key, '>');
    expect((read as [string, unknown[]][])[0]?.[1]).toHaveLength(5);
    for (let n = 5; n < 8; n++) await r.xadd(key, '*', EVENT_FIELD, encodeEvent(numbered(n)));
    await new Promise((resolve) => setTimeout(resolve, 60)); // Redis's own idle clock: past claimMinIdleMs.

    const { consumer, got } = start({ prefix, consumer: 'fresh', claimMinIdleMs: 50 });
    await until(() => got.length === 8);
    expect(got.map((e) => e.fields.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(got[0]).toEqual(numbered(0));
    await until(() => consumer.stats().acked === 8);
    expect(consumer.stats().claimed).toBe(5);
    expect(await pendingCount(r, prefix)).toBe(0);
  });

  it('skips and ACKs a malformed entry, logging it once, and goes on', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const { consumer, got, warnings } = start({ prefix });
    await until(() => consumer.stats().status === 'connected');
    const r = client();
    const key = eventStreamKey(prefix);
    await r.xadd(key, '*', EVENT_FIELD, encodeEvent(numbered(0)));
    await r.xadd(key, '*', EVENT_FIELD, 'not json');
    await r.xadd(key, '*', 'other', 'x');
    await r.xadd(key, '*', EVENT_FIELD, JSON.stringify({ ...numbered(9), decision: 'maybe' }));
    await r.xadd(key, '*', EVENT_FIELD, encodeEvent(numbered(1)));
    await until(() => consumer.stats().acked === 5);

    expect(got.map((e) => e.fields.n)).toEqual([0, 1]);
    expect(consumer.stats()).toMatchObject({ delivered: 5, processed: 2, malformed: 3 });
    expect(warnings).toEqual(['events consumer: malformed entry skipped']);
    expect(await pendingCount(r, prefix)).toBe(0);
  });

  it('counts a throwing onEvent and still ACKs, so one bad event cannot loop forever', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const seen: number[] = [];
    const { consumer } = start({
      prefix,
      onEvent: (e) => {
        seen.push(e.fields.n as number);
        if (e.fields.n === 1) throw new Error('boom');
      },
    });
    await until(() => consumer.stats().status === 'connected');
    const r = client();
    for (let n = 0; n < 3; n++)
      await r.xadd(eventStreamKey(prefix), '*', EVENT_FIELD, encodeEvent(numbered(n)));
    await until(() => consumer.stats().acked === 3);
    expect(seen).toEqual([0, 1, 2]);
    expect(consumer.stats()).toMatchObject({ processed: 2, failed: 1 });
  });

  it('splits one stream between the consumers of one group: each event goes to exactly one of them', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const a = start({ prefix, consumer: 'a', count: 10 });
    const b = start({ prefix, consumer: 'b', count: 10 });
    await until(() => a.consumer.stats().status === 'connected' && b.consumer.stats().status === 'connected');
    const publisher = createEventPublisher({ redisUrl: TEST_REDIS_URL, prefix, batchSize: 7 });
    for (let n = 0; n < 300; n++) publisher.publish(numbered(n));
    await until(() => a.got.length + b.got.length === 300);
    await publisher.close();
    const all = [...a.got, ...b.got].map((e) => e.fields.n as number).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 300 }, (_, n) => n));
  });

  it('stop() returns promptly while a read is blocked', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const { consumer } = start({ prefix, blockMs: 20_000 });
    await until(() => consumer.stats().status === 'connected');
    await new Promise((resolve) => setTimeout(resolve, 50)); // into the blocked XREADGROUP
    const begun = performance.now();
    await consumer.stop();
    // Far below the 20 s the read would block: stop() ends it instead of waiting, however busy the machine.
    expect(performance.now() - begun).toBeLessThan(5000);
    expect(consumer.stats().status).toBe('stopped');
  });

  it('survives Redis going away: logs once, and reads what is published after it is back', async () => {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    started.push(redis);
    const { consumer, got, warnings } = start({ prefix: 'p', redisUrl: redis.url, blockMs: 100 });
    await until(() => consumer.stats().status === 'connected');
    await redis.kill();
    await until(() => consumer.stats().status === 'degraded');
    await new Promise((resolve) => setTimeout(resolve, 500)); // several failed retries
    expect(warnings).toEqual(['events consumer: Redis is unavailable; retrying']);

    redis = await startPrivateRedis(port);
    started.push(redis);
    // Without persistence the group is gone too: the publisher's first events must not be lost to "$".
    const publisher = createEventPublisher({ redisUrl: redis.url, prefix: 'p' });
    for (let n = 0; n < 3; n++) publisher.publish(numbered(n));
    await until(() => publisher.stats().sent === 3);
    await publisher.close();
    await until(() => got.length === 3, 10_000);
    expect(got.map((e) => e.fields.n)).toEqual([0, 1, 2]);
    expect(consumer.stats().status).toBe('connected');
  });
});
