import { Redis } from 'ioredis';

/**
 * Gateway request events over a Redis Stream, for gateways that run as separate processes (`rampart gateway`):
 * each gateway publishes with `createEventPublisher`, the process that runs the detector reads with
 * `consumeEvents`. This file holds what both sides share.
 *
 * Semantics, in short: one stream per prefix (`<prefix>:events`, every service in it), capped at about MAXLEN
 * entries; delivery is at-least-once per consumer group (an event can arrive twice after a crash or a lost
 * ACK, never silently vanish while Redis keeps it); consumers of the SAME group split the events between them.
 */
export function eventStreamKey(prefix: string): string {
  return `${prefix}:events`;
}

/** The one field of a stream entry; its value is `encodeEvent(event)`. */
export const EVENT_FIELD = 'e';

/** The pino methods used here; a pino Logger fits. */
export interface EventStreamLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentEventLogger: EventStreamLogger = { info() {}, warn() {}, error() {} };

const PREFIX = /^[A-Za-z0-9_.-]{1,64}(:[A-Za-z0-9_.-]{1,64})*$/;

export function assertPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) throw new Error(`Redis key prefix "${prefix}" is not valid`);
}

/**
 * Like the gateway's connections: no offline queue, so while Redis is away a command fails at once and the
 * caller keeps its own bounded buffer instead of ioredis growing one without limit; reconnects every 50–500 ms.
 */
export function createStreamConnection(url: string, name: string, commandTimeoutMs: number): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    connectionName: name,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
  });
  // ioredis would print every failed reconnect; the callers log a lasting condition once.
  redis.on('error', () => {});
  return redis;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
