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
import { decodeEvent } from './event-codec.js';
import { createEventPublisher, type EventPublisher } from './event-publisher.js';
import { EVENT_FIELD, eventStreamKey, type EventStreamLogger } from './redis-events.js';

const prefixes: string[] = [];
const started: PrivateRedis[] = [];
const publishers: EventPublisher[] = [];
afterAll(async () => {
  await Promise.all(publishers.map((p) => p.close(100)));
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

const recordingLogger = () => {
  const lines: string[] = [];
  const logger: EventStreamLogger = {
    info: (_o, msg) => lines.push(`info ${msg}`),
    warn: (_o, msg) => lines.push(`warn ${msg}`),
    error: (_o, msg) => lines.push(`error ${msg}`),
  };
  return { lines, logger };
};

/** Varied events: numbered in fields.n, with nulls, booleans and fractions among them. */
const numbered = (n: number): RequestEvent =>
  requestEvent({
    time: T0 + n,
    status: n % 7 === 0 ? 429 : 200,
    durationMs: n % 3 === 0 ? null : n / 8,
    tokenHash: n % 2 === 0 ? `hash-${n}` : null,
    tokenPreview: n % 2 === 0 ? 'ab12…' : null,
    decision: n % 7 === 0 ? 'rate-limited' : 'allowed',
    spoofedForwardedFor: n % 5 === 0,
    fields: { n, odd: n % 2 === 1, note: n % 4 === 0 ? null : `n${n}` },
  });

const readStream = async (url: string, prefix: string): Promise<RequestEvent[]> => {
  const r = new Redis(url);
  try {
    const entries = await r.xrange(eventStreamKey(prefix), '-', '+');
    return entries.map(([, fields]) => {
      expect(fields[0]).toBe(EVENT_FIELD);
      const decoded = decodeEvent(fields[1] ?? '');
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.event;
    });
  } finally {
    await r.quit();
  }
};

describe.runIf(await redisSuitesEnabled())('createEventPublisher', () => {
  it('sends events in order, exactly as published, in batches of batchSize', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const publisher = createEventPublisher({ redisUrl: TEST_REDIS_URL, prefix, service: 'guest-api' });
    publishers.push(publisher);
    const events = Array.from({ length: 1_000 }, (_, n) => numbered(n));
    for (const event of events) publisher.publish(event);
    await until(() => publisher.stats().sent === 1_000);

    expect(await readStream(TEST_REDIS_URL, prefix)).toEqual(events);
    const stats = publisher.stats();
    expect(stats.roundTrips).toBeLessThanOrEqual(Math.ceil(1_000 / 200) + 1);
    expect(stats).toMatchObject({ published: 1_000, dropped: 0, buffered: 0, status: 'connected' });
  });

  it('sends a lone event within batchMs and keeps the stream near maxLen', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const publisher = createEventPublisher({ redisUrl: TEST_REDIS_URL, prefix, maxLen: 100, batchSize: 50 });
    publishers.push(publisher);
    await until(() => publisher.stats().status === 'connected');
    publisher.publish(numbered(0));
    await until(() => publisher.stats().sent === 1, 1_000);

    for (let n = 1; n < 2_000; n++) publisher.publish(numbered(n));
    await until(() => publisher.stats().sent === 2_000);
    const r = new Redis(TEST_REDIS_URL);
    const length = await r.xlen(eventStreamKey(prefix));
    await r.quit();
    // "~" trims whole stream nodes (stream-node-max-entries, 100 by default), so it may keep up to a node more.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
  });

  it('while Redis is away keeps the newest maxBuffered events, says so once, and sends them when it is back', async () => {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    started.push(redis);
    const { lines, logger } = recordingLogger();
    const publisher = createEventPublisher({
      redisUrl: redis.url,
      prefix: 'p',
      batchSize: 10,
      maxBuffered: 50,
      logger,
    });
    publishers.push(publisher);
    publisher.publish(numbered(-1));
    await until(() => publisher.stats().sent === 1);

    await redis.kill();
    await until(() => publisher.stats().status === 'degraded');
    for (let n = 0; n < 100; n++) publisher.publish(numbered(n));
    expect(publisher.stats()).toMatchObject({ published: 101, sent: 1, buffered: 50, dropped: 50 });
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([
      'warn events publisher: Redis is unavailable; buffering events',
      'warn events publisher: buffer full; dropping the oldest events',
    ]);

    // The same port, no persistence: the stream starts empty, so it holds exactly what was buffered.
    redis = await startPrivateRedis(port);
    started.push(redis);
    // `buffered` drops as a batch is taken for sending, before Redis acknowledges it: wait for the acknowledgements.
    await until(() => publisher.stats().buffered === 0 && publisher.stats().sent >= 51);
    expect(publisher.stats()).toMatchObject({ sent: 51, dropped: 50, status: 'connected' });
    const delivered = await readStream(redis.url, 'p');
    expect(delivered.map((e) => e.fields.n)).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    expect(delivered[0]).toEqual(numbered(50));
    expect(lines.filter((l) => l.includes('Redis is back'))).toHaveLength(1);
  });

  it('keeps a batch Redis refuses, says so once, and sends it once the cause is gone', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const r = new Redis(TEST_REDIS_URL);
    await r.set(eventStreamKey(prefix), 'not a stream');
    const { lines, logger } = recordingLogger();
    const publisher = createEventPublisher({ redisUrl: TEST_REDIS_URL, prefix, retryMs: 10, logger });
    publishers.push(publisher);
    for (let n = 0; n < 3; n++) publisher.publish(numbered(n));
    await until(() => publisher.stats().failedBatches >= 3);
    expect(publisher.stats()).toMatchObject({ sent: 0, buffered: 3, dropped: 0 });
    await r.del(eventStreamKey(prefix));
    await r.quit();
    await until(() => publisher.stats().sent === 3);
    expect(lines).toEqual(['warn events publisher: Redis refused a batch; retrying']);
    expect((await readStream(TEST_REDIS_URL, prefix)).map((e) => e.fields.n)).toEqual([0, 1, 2]);
  });

  it('sends what is buffered on close, and ignores events after it', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const publisher = createEventPublisher({
      redisUrl: TEST_REDIS_URL,
      prefix,
      batchMs: 60_000,
      batchSize: 1_000,
    });
    await until(() => publisher.stats().status === 'connected');
    for (let n = 0; n < 3; n++) publisher.publish(numbered(n));
    expect(publisher.stats().sent).toBe(0);
    await publisher.close();
    publisher.publish(numbered(3));
    expect((await readStream(TEST_REDIS_URL, prefix)).map((e) => e.fields.n)).toEqual([0, 1, 2]);
  });
});
