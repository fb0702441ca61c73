import type { Redis } from 'ioredis';
import type { Clock } from '../../shared/clock.js';
import { sha256 } from '../../shared/secrets.js';
import { LruMap } from '../../shared/lru.js';
import type { RateDecision, RateLimiter, RatePolicy } from './rate-limiter.js';
import { RedisLink, silentLogger, type RedisLogger, type RedisStatus } from './redis-connection.js';
import { withScripts, type RampartCommands } from './redis-scripts.js';

export interface RedisRateLimiterOptions {
  redis: Redis;
  prefix: string;
  service: string;
  clock: Clock;
  logger?: RedisLogger;
  onStatus?: (status: RedisStatus) => void;
  /** How often admitted counts are pushed to Redis and the shared state pulled back. Default 50 ms. */
  syncIntervalMs?: number;
  /** Keys remembered per limit (LRU), as in the memory limiter. Default 100,000. */
  maxKeysPerLimit?: number;
  /** Keys carried into one sync; more keys wait for the next one. Default 20,000. */
  maxKeysPerSync?: number;
  /** A key not exchanged with Redis for this long is read from Redis before it is decided. Default 1 s. */
  staleMs?: number;
}

interface Slot {
  limit: string;
  key: string;
  /** Theoretical arrival time (ms) as this gateway knows it: the shared one plus what it admitted since. */
  tat: number;
  interval: number;
  /** Requests admitted here and not yet counted in Redis, the first of them at `since`. */
  pending: number;
  since: number;
  /** When this gateway last exchanged the key with Redis (request time, ms). */
  syncedAt: number;
  /** Whether the slot is in the dirty list (its pending count goes with the next sync). */
  queued: boolean;
}

/**
 * Rate limits shared by several gateways, without a Redis round trip on the request path. Each gateway decides
 * with a local GCRA (the same arithmetic as MemoryRateLimiter) and, every syncIntervalMs, sends the counts it
 * admitted per key to Redis in one script call (GCRA_ADD, which adds them to the shared arrival time with a
 * PX expiry) and takes back the shared arrival time, which includes the other gateways' requests.
 *
 * A gateway never decides from a blank view: the first request for a key it does not hold, or holds from more
 * than staleMs ago, waits for one read of the shared time (reads are batched: one script call per event-loop
 * turn), so that request path is async; every other request is decided locally and synchronously.
 *
 * Accuracy trade-off: a gateway sees the others' traffic at most one sync interval (plus a round trip) late for
 * a key it is using, and at most staleMs late otherwise. N gateways together can therefore overshoot a limit by
 * what the other N − 1 admit in that lag: with the 50 ms sync, at most 50 ms of their traffic on a hot key; the
 * worst case is N simultaneous first requests for an idle key, each admitted from the same read, so at most
 * (N − 1) × (limit + burst) once. It never under-admits: a count that cannot reach Redis is dropped, not
 * charged twice.
 *
 * When Redis is away the local limiter alone decides (each gateway enforces the full limit by itself) and
 * sharing resumes at the next sync after Redis returns. Clocks of the gateways must agree (NTP): the shared
 * arrival time is compared with each gateway's now.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & RampartCommands;
  private readonly keyPrefix: string;
  private readonly clock: Clock;
  private readonly link: RedisLink;
  private readonly maxKeys: number;
  private readonly maxSync: number;
  private readonly syncMs: number;
  private readonly tables = new Map<string, LruMap<Slot>>();
  /**
   * Slots with uncounted requests, in the order they were first counted: a slot is pushed once when its pending
   * count leaves 0 (a flag, not a Set lookup per request); the sync batch is built from it at sync time only.
   */
  private dirty: Slot[] = [];
  private readonly staleMs: number;
  private readonly loading = new Map<string, Promise<void>>();
  private toLoad: { limit: string; key: string; interval: number; done: () => void }[] = [];
  private syncing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: RedisRateLimiterOptions) {
    this.redis = withScripts(options.redis);
    this.keyPrefix = `${options.prefix}:${options.service}:rl:`;
    this.clock = options.clock;
    this.maxKeys = options.maxKeysPerLimit ?? 100_000;
    this.maxSync = options.maxKeysPerSync ?? 20_000;
    this.syncMs = options.syncIntervalMs ?? 50;
    this.staleMs = options.staleMs ?? 1_000;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new Error('maxKeysPerLimit must be ≥ 1');
    const onStatus = options.onStatus;
    this.link = new RedisLink(options.redis, 'rate limiter', options.logger ?? silentLogger, (s) => onStatus?.(s));
  }

  /** Starts the sync timer (the connection is connected by its owner). */
  start(): void {
    this.link.watch();
    this.timer ??= setInterval(() => void this.sync(), this.syncMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.link.unwatch();
    await this.syncing;
  }

  get status(): RedisStatus {
    return this.link.isUp ? 'connected' : 'degraded';
  }

  consume(limitName: string, key: string, policy: RatePolicy, now: number): RateDecision | Promise<RateDecision> {
    const table = this.table(limitName);
    const at = table.find(key);
    const slot = at === -1 ? undefined : table.valueAt(at);
    if ((slot === undefined || now - slot.syncedAt > this.staleMs) && this.link.isUp && this.loading.size < this.maxSync) {
      return this.load(limitName, key, policy.windowMs / policy.limit, now)
        .then(() => this.decide(table, limitName, key, policy, now));
    }
    return this.decide(table, limitName, key, policy, now, at, slot);
  }

  /** `at`/`slot`: the key's slot when the caller has just looked it up (the synchronous path: one lookup). */
  private decide(table: LruMap<Slot>, limitName: string, key: string, policy: RatePolicy, now: number,
    at = table.find(key), slot = at === -1 ? undefined : table.valueAt(at)): RateDecision {
    const interval = policy.windowMs / policy.limit;
    const tolerance = (policy.limit + policy.burst) * interval;
    const tat = slot === undefined || slot.tat < now ? now : slot.tat;
    const next = tat + interval;
    if (next - now > tolerance) {
      return { allowed: false, remaining: 0, resetMs: tat - now, retryAfterMs: next - now - tolerance };
    }
    // Counting makes the key the most recent; a full table forgets its least recent key for a new one.
    if (slot === undefined) {
      slot = { limit: limitName, key, tat: now, interval, pending: 0, since: now, syncedAt: now, queued: false };
      table.set(key, slot);
    } else {
      table.touch(at);
    }
    slot.tat = next;
    slot.interval = interval;
    if (slot.pending++ === 0) slot.since = tat;
    if (!slot.queued && this.dirty.length < this.maxSync * 2) {
      slot.queued = true;
      this.dirty.push(slot);
    }
    return {
      allowed: true,
      remaining: Math.floor((tolerance - (next - now)) / interval + 1e-9),
      resetMs: next - now,
      retryAfterMs: 0,
    };
  }

  /** Reads the shared arrival time of keys this gateway does not hold fresh, batched per event-loop turn. */
  private load(limit: string, key: string, interval: number, now: number): Promise<void> {
    const id = `${limit}\0${key}`;
    let loading = this.loading.get(id);
    if (loading === undefined) {
      loading = new Promise<void>((done) => {
        if (this.toLoad.length === 0) setImmediate(() => void this.runLoad(now));
        this.toLoad.push({ limit, key, interval, done });
      }).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    return loading;
  }

  private async runLoad(now: number): Promise<void> {
    const batch = this.toLoad;
    this.toLoad = [];
    const args: (string | number)[] = [batch.length];
    for (const b of batch) args.push(this.redisKey(b.limit, b.key));
    args.push(now);
    for (const b of batch) {
      // A held slot's uncounted requests go along, so the shared time read back includes them.
      const slot = this.tables.get(b.limit)?.peek(b.key);
      // A queued slot left with pending 0 here is skipped (and unqueued) by the next sync.
      const n = slot === undefined || !slot.queued ? 0 : slot.pending;
      args.push(b.interval, n, n === 0 ? now : (slot as Slot).since);
      if (slot !== undefined && n > 0) slot.pending = 0;
    }
    let shared: string[] = [];
    try {
      shared = await this.redis.rampartGcraAdd(...args);
    } catch (error) {
      this.link.markDown(error);
    }
    batch.forEach((b, i) => {
      const table = this.table(b.limit);
      let slot = table.peek(b.key);
      if (slot === undefined) {
        slot = { limit: b.limit, key: b.key, tat: now, interval: b.interval, pending: 0, since: now, syncedAt: now,
          queued: false };
        table.set(b.key, slot);
      }
      const tat = Number(shared[i]);
      if (Number.isFinite(tat)) slot.tat = Math.max(slot.tat, tat + slot.pending * slot.interval);
      slot.syncedAt = now;
      b.done();
    });
  }

  private table(limitName: string): LruMap<Slot> {
    let table = this.tables.get(limitName);
    if (table === undefined) {
      table = new LruMap(this.maxKeys);
      this.tables.set(limitName, table);
    }
    return table;
  }

  /** Pushes admitted counts and pulls the shared arrival times; never rejects. The timer calls it. */
  sync(): Promise<void> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Keys currently remembered for a limit (for tests and metrics). */
  size(limitName: string): number {
    return this.tables.get(limitName)?.size ?? 0;
  }

  private async runSync(): Promise<void> {
    if (this.dirty.length === 0) return;
    const batch: Slot[] = [];
    const sent: [number, number][] = [];
    let taken = 0;
    for (; taken < this.dirty.length && batch.length < this.maxSync; taken++) {
      const slot = this.dirty[taken] as Slot;
      slot.queued = false;
      if (slot.pending === 0) continue;
      batch.push(slot);
      sent.push([slot.pending, slot.since]);
      slot.pending = 0;
    }
    this.dirty = taken === this.dirty.length ? [] : this.dirty.slice(taken);
    if (batch.length === 0) return;
    // Redis away: the counts were enforced locally and are dropped rather than charged late.
    if (!this.link.isUp && this.redis.status !== 'ready') return;
    const args: (string | number)[] = [batch.length];
    for (const slot of batch) args.push(this.redisKey(slot.limit, slot.key));
    const now = this.clock.now().getTime();
    args.push(now);
    batch.forEach((slot, i) => args.push(slot.interval, ...(sent[i] as [number, number])));
    try {
      const shared = await this.redis.rampartGcraAdd(...args);
      batch.forEach((slot, i) => {
        const tat = Number(shared[i]);
        // What was admitted here while the script ran is not in the shared time yet.
        if (Number.isFinite(tat)) slot.tat = Math.max(slot.tat, tat + slot.pending * slot.interval);
        slot.syncedAt = now;
      });
      this.link.markUp();
    } catch (error) {
      this.link.markDown(error);
    }
  }

  private redisKey(limit: string, key: string): string {
    // Keys come from requests (IPs, token hashes, JWT claims): long ones are hashed to keep Redis keys small.
    return `${this.keyPrefix}${limit}:${key.length > 96 ? `#${sha256(key)}` : key}`;
  }
}
