import { hostname } from 'node:os';
import type { RequestEvent } from '../../domain/request-event.js';
import { decodeEvent } from './event-codec.js';
import {
  EVENT_FIELD,
  assertPrefix,
  createStreamConnection,
  eventStreamKey,
  messageOf,
  silentEventLogger,
  type EventStreamLogger,
} from './redis-events.js';

export interface ConsumeEventsOptions {
  redisUrl: string;
  prefix: string;
  group?: string;
  /** Unique per process: a restarted process is a new consumer, and the old one's entries are claimed. */
  consumer?: string;
  /** Synchronous, like the detector's ingest; a throw is counted and the entry is still ACKed. */
  onEvent: (event: RequestEvent) => void;
  count?: number;
  blockMs?: number;
  /** Entries pending this long with another consumer are taken over (XAUTOCLAIM), at start and every as long. */
  claimMinIdleMs?: number;
  /** Malformed entries: the first and then every n-th is logged. */
  logEvery?: number;
  logger?: EventStreamLogger;
}

export interface ConsumerStats {
  delivered: number;
  processed: number;
  malformed: number;
  /** onEvent threw. */
  failed: number;
  claimed: number;
  acked: number;
  /** ACKs waiting for Redis to come back. */
  unacked: number;
  errors: number;
  status: 'starting' | 'connected' | 'degraded' | 'stopped';
}

export interface EventConsumer {
  /** Returns promptly even while a read is blocked: its dedicated connection is cut. */
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

type Entry = [id: string, fields: string[] | null];

/** IDs kept for a later ACK while Redis is away; past this, those entries are simply delivered again. */
const MAX_UNACKED = 50_000;

/**
 * Reads gateway request events from `<prefix>:events` as one consumer of a consumer group and hands each to
 * onEvent, ACKing each batch after it has been handled.
 *
 * At-least-once per group: an entry read but not ACKed (a crash between onEvent and XACK) is delivered again,
 * to whichever consumer of the group claims it after claimMinIdleMs. Consumers in ONE group SPLIT the stream
 * between them, so run ONE detector per stream (one group, one consumer), or each detector would count only
 * part of every window and rules would fire late or never. A second desk that needs all events must use its
 * own group name, and then both detectors see every event (and may both open signals).
 */
export function consumeEvents(options: ConsumeEventsOptions): EventConsumer {
  assertPrefix(options.prefix);
  const key = eventStreamKey(options.prefix);
  const group = options.group ?? 'rampart-detector';
  const consumer = options.consumer ?? `${hostname()}:${process.pid}`;
  const count = options.count ?? 500;
  const blockMs = options.blockMs ?? 1_000;
  const claimMinIdleMs = options.claimMinIdleMs ?? 30_000;
  const logEvery = options.logEvery ?? 1_000;
  const logger = options.logger ?? silentEventLogger;
  // A blocked XREADGROUP is a long command by design; the timeout only catches a Redis that stopped answering.
  const connectionName = `rampart-detector:${consumer}`.replace(/[^\w.:-]/g, '_');
  const redis = createStreamConnection(options.redisUrl, connectionName, blockMs + 5_000);
  const counts = { delivered: 0, processed: 0, malformed: 0, failed: 0, claimed: 0, acked: 0, errors: 0 };
  let status: ConsumerStats['status'] = 'starting';
  let unacked: string[] = [];
  let stopped = false;
  let reading = false;
  let wake: (() => void) | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  const handle = (entries: readonly Entry[]): string[] => {
    const ids: string[] = [];
    for (const [id, fields] of entries) {
      ids.push(id);
      counts.delivered++;
      // Trimmed by MAXLEN while pending: nothing left to read, only the ACK.
      if (!fields) continue;
      const text = valueOf(fields, EVENT_FIELD);
      const decoded =
        text === undefined ? { ok: false as const, reason: `no "${EVENT_FIELD}" field` } : decodeEvent(text);
      if (!decoded.ok) {
        if (counts.malformed++ % logEvery === 0)
          logger.warn(
            { id, reason: decoded.reason, malformed: counts.malformed },
            'events consumer: malformed entry skipped',
          );
        continue;
      }
      try {
        options.onEvent(decoded.event);
        counts.processed++;
      } catch (error) {
        if (counts.failed++ % logEvery === 0)
          logger.error(
            { id, err: messageOf(error), failed: counts.failed },
            'events consumer: onEvent threw',
          );
      }
    }
    return ids;
  };

  const ack = async (ids: readonly string[]): Promise<void> => {
    const all = unacked.length > 0 ? unacked.concat(ids) : ids;
    if (all.length === 0) return;
    try {
      counts.acked += await redis.xack(key, group, ...all);
      unacked = [];
    } catch (error) {
      unacked = all.slice(-MAX_UNACKED);
      throw error;
    }
  };

  const ensureGroup = async (from: '$' | '0'): Promise<void> => {
    try {
      await redis.xgroup('CREATE', key, group, from, 'MKSTREAM');
    } catch (error) {
      if (!messageOf(error).startsWith('BUSYGROUP')) throw error;
    }
  };

  /** Takes over entries idle with any consumer of the group (a dead one's, or our own un-ACKed ones). */
  const claim = async (): Promise<void> => {
    let cursor = '0-0';
    do {
      const reply = (await redis.xautoclaim(
        key,
        group,
        consumer,
        claimMinIdleMs,
        cursor,
        'COUNT',
        count,
      )) as [string, Entry[], string[]?];
      cursor = reply[0];
      const entries = reply[1];
      counts.claimed += entries.length;
      await ack(handle(entries));
    } while (cursor !== '0-0' && !stopped);
  };

  const read = async (): Promise<void> => {
    reading = true;
    let reply: [string, Entry[]][] | null;
    try {
      reply = (await redis.xreadgroup(
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        key,
        '>',
      )) as [string, Entry[]][] | null;
    } finally {
      reading = false;
    }
    // Even when stop() came meanwhile: handled and ACKed now rather than re-delivered to the next process.
    await ack(handle(reply?.[0]?.[1] ?? []));
  };

  const run = async (): Promise<void> => {
    let backoffMs = 100;
    let groupFrom: '$' | '0' = '$';
    let claimedAt = 0;
    let groupReady = false;
    while (!stopped) {
      try {
        if (redis.status !== 'ready') await redis.connect().catch(() => undefined);
        if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
        if (!groupReady) {
          await ensureGroup(groupFrom);
          groupReady = true;
        }
        if (status !== 'connected') {
          if (status === 'degraded')
            logger.info({ group, consumer }, 'events consumer: Redis is back; reading');
          status = 'connected';
        }
        if (Date.now() - claimedAt >= claimMinIdleMs) {
          await claim();
          claimedAt = Date.now();
        }
        await read();
        backoffMs = 100;
      } catch (error) {
        if (stopped) break;
        counts.errors++;
        const message = messageOf(error);
        if (message.startsWith('NOGROUP')) {
          // The stream (and its group) is gone, e.g. Redis restarted without persistence: whatever the stream
          // holds now arrived after that, so the new group starts from its beginning rather than from "$".
          groupReady = false;
          groupFrom = '0';
          claimedAt = 0;
          continue;
        }
        if (status !== 'degraded') {
          status = 'degraded';
          logger.warn({ group, consumer, err: message }, 'events consumer: Redis is unavailable; retrying');
        }
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  };

  const loop = run();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      wake?.();
      // A blocked read would hold us for up to blockMs, a connect attempt for its timeout: cut the connection.
      if (reading || redis.status !== 'ready') redis.disconnect();
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      redis.disconnect();
      status = 'stopped';
    },
    stats: () => ({ ...counts, unacked: unacked.length, status }),
  };
}

function valueOf(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
