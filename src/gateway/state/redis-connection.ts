import { Redis } from 'ioredis';

export type RedisStatus = 'connected' | 'degraded';

/** The pino methods the Redis adapters use; a pino Logger fits. */
export interface RedisLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: RedisLogger = { info() {}, warn() {}, error() {} };

/**
 * A connection for the gateway's Redis adapters. The offline queue is off so that, while Redis is away, a
 * command fails at once instead of piling up in memory; the adapters keep their own bounded queues and fall
 * back to local state. Reconnects are retried every 50–500 ms, so a returning Redis is noticed quickly.
 */
export function createRedisConnection(url: string, name: string, connectTimeoutMs = 2_000): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1_000,
    connectTimeout: connectTimeoutMs,
    connectionName: name,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
  });
  // Without a listener ioredis prints every failed reconnect; the adapters log the degradation once instead.
  redis.on('error', () => {});
  return redis;
}

/**
 * Tracks whether one Redis connection is usable and reports each change once (never per request or per
 * failed reconnect attempt).
 */
export class RedisLink {
  private up = false;
  private readonly onReady = (): void => this.markUp();
  private readonly onClose = (): void => this.markDown(new Error('connection closed'));

  constructor(
    private readonly redis: Redis,
    private readonly what: string,
    private readonly logger: RedisLogger,
    private readonly onChange: (status: RedisStatus) => void,
  ) {}

  get isUp(): boolean {
    return this.up;
  }

  watch(): void {
    this.redis.on('ready', this.onReady);
    this.redis.on('close', this.onClose);
    if (this.redis.status === 'ready') this.markUp();
  }

  unwatch(): void {
    this.redis.off('ready', this.onReady);
    this.redis.off('close', this.onClose);
  }

  markUp(): void {
    if (this.up) return;
    this.up = true;
    this.logger.info({ component: this.what }, `${this.what}: Redis is available; sharing state`);
    this.onChange('connected');
  }

  markDown(error: unknown): void {
    if (!this.up) return;
    this.up = false;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ component: this.what, err: message }, `${this.what}: Redis is unavailable; running on local state`);
    this.onChange('degraded');
  }
}
