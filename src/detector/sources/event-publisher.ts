import type { RequestEvent } from '../../domain/request-event.js';
import { encodeEvent } from './event-codec.js';
import {
  EVENT_FIELD,
  assertPrefix,
  createStreamConnection,
  eventStreamKey,
  messageOf,
  silentEventLogger,
  type EventStreamLogger,
} from './redis-events.js';

export interface EventPublisherOptions {
  redisUrl: string;
  prefix: string;
  /** Names the connection (CLIENT LIST) and the log lines. */
  service?: string;
  /** Approximate cap of the stream (XADD MAXLEN ~). */
  maxLen?: number;
  batchMs?: number;
  batchSize?: number;
  /** Events kept while Redis is away; past it the oldest are dropped. */
  maxBuffered?: number;
  /** Wait before retrying a batch Redis refused while connected. */
  retryMs?: number;
  logger?: EventStreamLogger;
}

export interface EventPublisherStats {
  published: number;
  sent: number;
  dropped: number;
  buffered: number;
  /** Pipelines sent to Redis (one round trip each). */
  roundTrips: number;
  failedBatches: number;
  status: 'connecting' | 'connected' | 'degraded';
}

export interface EventPublisher {
  /** The gateway's per-request sink: synchronous, never throws, no I/O; safe to pass unbound (`onEvent: p.publish`). */
  publish: (event: RequestEvent) => void;
  /** Sends what is buffered (bounded by timeoutMs while Redis is up), then closes the connection. */
  close(timeoutMs?: number): Promise<void>;
  stats(): EventPublisherStats;
}

/**
 * Batches request events into one pipeline of `XADD <prefix>:events MAXLEN ~ n * e <json>` every batchMs or
 * batchSize events. While Redis is away it keeps the newest maxBuffered events and says so once per outage.
 * A batch that fails mid-way is re-sent whole, so an outage can duplicate a few events (at-least-once).
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  assertPrefix(options.prefix);
  const key = eventStreamKey(options.prefix);
  const maxLen = options.maxLen ?? 100_000;
  const batchMs = options.batchMs ?? 20;
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const maxBuffered = Math.max(batchSize, options.maxBuffered ?? 10_000);
  const retryMs = options.retryMs ?? 500;
  const logger = options.logger ?? silentEventLogger;
  const what = `events publisher${options.service ? ` (${options.service})` : ''}`;
  const redis = createStreamConnection(
    options.redisUrl,
    `rampart-events:${options.service ?? 'gateway'}`,
    2_000,
  );

  // A queue of encoded events: `buffer[head..]` is pending, the front is the oldest.
  let buffer: string[] = [];
  let head = 0;
  const counts = { published: 0, sent: 0, dropped: 0, roundTrips: 0, failedBatches: 0 };
  let status: EventPublisherStats['status'] = 'connecting';
  let droppedThisOutage = 0;
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let timerDelay = 0;
  let closed = false;
  let refusing = false;

  const size = () => buffer.length - head;
  const goDown = (reason: string) => {
    if (status === 'degraded' || closed) return;
    status = 'degraded';
    logger.warn(
      { component: what, err: reason, buffered: size() },
      `${what}: Redis is unavailable; buffering events`,
    );
  };
  const goUp = () => {
    if (status === 'connected') return;
    if (status === 'degraded')
      logger.info(
        { component: what, buffered: size(), dropped: droppedThisOutage },
        `${what}: Redis is back; sending buffered events`,
      );
    status = 'connected';
    droppedThisOutage = 0;
    schedule(0);
  };
  const dropOldest = (n: number) => {
    if (n <= 0) return;
    if (droppedThisOutage === 0)
      logger.warn({ component: what, maxBuffered }, `${what}: buffer full; dropping the oldest events`);
    head += n;
    counts.dropped += n;
    droppedThisOutage += n;
  };
  const compact = () => {
    if (head > 1024 && head * 2 > buffer.length) {
      buffer = buffer.slice(head);
      head = 0;
    }
  };

  redis.on('ready', goUp);
  redis.on('close', () => goDown('connection closed'));
  redis.on('error', (error: unknown) => goDown(messageOf(error)));
  redis.connect().catch((error: unknown) => goDown(messageOf(error)));

  function schedule(delayMs: number): void {
    if (closed || flushing || size() === 0 || status !== 'connected') return;
    // The per-request path: at most one timer call per batch, not one per event.
    if (timer) {
      if (delayMs > 0 || timerDelay === 0) return;
      clearTimeout(timer);
    }
    timerDelay = delayMs;
    timer = setTimeout(() => {
      timer = null;
      flushing = flush().finally(() => {
        flushing = null;
        schedule(size() >= batchSize ? 0 : batchMs);
      });
    }, delayMs);
    timer.unref();
  }

  /** Sends full batches; with `drain`, everything buffered. */
  async function flush(drain = false): Promise<void> {
    while (size() > 0 && status === 'connected') {
      const batch = buffer.slice(head, head + batchSize);
      head += batch.length;
      compact();
      const pipeline = redis.pipeline();
      for (const json of batch) pipeline.xadd(key, 'MAXLEN', '~', maxLen, '*', EVENT_FIELD, json);
      counts.roundTrips++;
      let failed: string[] = [];
      let reason = '';
      try {
        const results = (await pipeline.exec()) ?? [];
        batch.forEach((json, i) => {
          const error = results[i]?.[0];
          if (error || !results[i]) {
            failed.push(json);
            reason ||= messageOf(error ?? 'no reply');
          }
        });
      } catch (error) {
        failed = batch;
        reason = messageOf(error);
      }
      counts.sent += batch.length - failed.length;
      if (failed.length === 0) {
        refusing = false;
        if (!drain && size() < batchSize) return;
        continue;
      }
      counts.failedBatches++;
      // Back at the front, in order; if that overflows, the oldest go first.
      buffer = failed.concat(buffer.slice(head));
      head = 0;
      dropOldest(size() - maxBuffered);
      if (redis.status === 'ready') {
        // e.g. the key holds another type: retried until it is fixed, told once until a batch gets through.
        if (!refusing)
          logger.warn(
            { component: what, err: reason, failed: failed.length },
            `${what}: Redis refused a batch; retrying`,
          );
        refusing = true;
        await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
      } else goDown(reason);
      if (closed) return;
    }
  }

  return {
    publish(event) {
      if (closed) return;
      counts.published++;
      buffer.push(encodeEvent(event));
      if (size() > maxBuffered) {
        dropOldest(size() - maxBuffered);
        compact();
      }
      schedule(size() >= batchSize ? 0 : batchMs);
    },
    async close(timeoutMs = 2_000) {
      if (closed) return;
      // From here nothing schedules a batch; the last one is sent below.
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const last = (flushing ?? Promise.resolve()).then(() =>
        status === 'connected' && size() > 0 ? flush(true) : undefined,
      );
      await Promise.race([last, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      if (size() > 0) logger.warn({ component: what, unsent: size() }, `${what}: closed with events unsent`);
      redis.disconnect();
    },
    stats: () => ({ ...counts, buffered: size(), status }),
  };
}
