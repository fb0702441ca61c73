import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Mitigation } from '../../domain/mitigation.js';
import type { Clock } from '../../shared/clock.js';
import { RampartError } from '../../shared/errors.js';
import type { ParsedIp } from '../../shared/net/index.js';
import { LruMap } from '../../shared/lru.js';
import type { GatewayState, LimitOverride, MaintenanceStatus } from './gateway-state.js';
import { MemoryState } from './memory-state.js';
import { RedisLink, silentLogger, type RedisLogger, type RedisStatus } from './redis-connection.js';
import { decodeMitigation, endOf, parseMitigation } from './redis-mitigation-codec.js';
import { withScripts, type RampartCommands } from './redis-scripts.js';

export interface RedisStateOptions {
  /** Commands. Created with createRedisConnection (no offline queue); shared with the rate limiter. */
  redis: Redis;
  /** A second connection, used only for SUBSCRIBE. */
  subscriber: Redis;
  prefix: string;
  service: string;
  clock: Clock;
  logger?: RedisLogger;
  onStatus?: (status: RedisStatus) => void;
  /** Full reload of the hash into the mirror. Default 5 s (and at every reconnect). */
  reconcileIntervalMs?: number;
  /** Writes queued while Redis is away. Past it the queue is dropped and every held mitigation re-written on return. Default 10,000. */
  maxPendingWrites?: number;
  /** Lifted mitigations remembered so that no stale read or late message brings them back. Default 10,000. */
  maxLiftedRemembered?: number;
  /** How long a lifted or expired mitigation stays in the hash as a tombstone. Default 24 h. */
  tombstoneRetentionMs?: number;
  maxMitigations?: number;
}

interface Known {
  json: string;
  /** Local change counter when this node last applied it: a reconcile only removes what it saw before. */
  seq: number;
  /** When it stops being in force (ms). */
  end: number;
}

/**
 * GatewayState shared through Redis. Every read is answered by a local MemoryState mirror, so the request path
 * never waits on Redis. Writes go to a hash (`<prefix>:<service>:mitigations`, id → JSON) and a PUBLISH on
 * `…:mitigations:changes` in one Lua script; every gateway applies the message to its mirror. A reconcile every
 * few seconds and at each reconnect reloads the hash, so a missed message heals. While Redis is away the mirror
 * keeps enforcing everything it knew, and local applies/lifts take effect at once and wait in a bounded queue.
 */
export class RedisState implements GatewayState {
  readonly keys: { hash: string; channel: string; generation: string };
  private readonly redis: Redis & RampartCommands;
  private readonly subscriber: Redis;
  private readonly clock: Clock;
  private readonly logger: RedisLogger;
  private readonly mirror: MemoryState;
  private readonly link: RedisLink;
  private readonly node = randomUUID();
  private readonly known = new Map<string, Known>();
  private readonly lifted: LruMap<Mitigation>;
  private readonly pending = new Map<string, string>();
  /**
   * Writes sent but not yet answered. While Redis restarts, ioredis holds commands in its offline queue, so a
   * write can land after a reconcile's snapshot was taken: such an id is neither pending nor in the snapshot,
   * and must not be mistaken for one deleted from Redis.
   */
  private readonly inflight = new Map<string, number>();
  private readonly maxPending: number;
  private readonly retentionMs: number;
  private readonly reconcileMs: number;
  private rewriteAll = false;
  private seq = 0;
  private generation: string | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly onMessage = (channel: string, message: string): void => this.receive(channel, message);
  private readonly onSubscriberReady = (): void => void this.reconcile().catch(() => {});

  constructor(options: RedisStateOptions) {
    const base = `${options.prefix}:${options.service}:mitigations`;
    this.keys = { hash: base, channel: `${base}:changes`, generation: `${base}:generation` };
    this.redis = withScripts(options.redis);
    this.subscriber = options.subscriber;
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.mirror = new MemoryState({ clock: options.clock, ...(options.maxMitigations === undefined ? {} : { maxMitigations: options.maxMitigations }) });
    this.maxPending = options.maxPendingWrites ?? 10_000;
    this.lifted = new LruMap(options.maxLiftedRemembered ?? 10_000);
    this.retentionMs = options.tombstoneRetentionMs ?? 24 * 3600_000;
    this.reconcileMs = options.reconcileIntervalMs ?? 5_000;
    const onStatus = options.onStatus;
    this.link = new RedisLink(options.redis, 'gateway state', this.logger, (status) => {
      if (status === 'connected') void this.reconcile().catch(() => {});
      onStatus?.(status);
    });
  }

  /** Connects, loads the hash and subscribes; rejects when Redis cannot be reached (nothing to enforce yet). */
  async start(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    if (this.subscriber.status === 'wait') await this.subscriber.connect();
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.keys.channel);
    await this.runReconcile();
    this.subscriber.on('ready', this.onSubscriberReady);
    this.link.watch();
    this.timer = setInterval(() => void this.reconcile().catch(() => {}), this.reconcileMs);
    this.timer.unref();
  }

  /** Stops the timers and listeners; the connections belong to the caller. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.link.unwatch();
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('ready', this.onSubscriberReady);
    await (this.queued ?? this.running)?.catch(() => {});
  }

  get status(): RedisStatus {
    return this.link.isUp ? 'connected' : 'degraded';
  }

  /** Resolves once every change published before the call has reached this mirror (the PING answer follows them). */
  async settle(): Promise<void> {
    await this.subscriber.ping();
  }

  /** Writes waiting for Redis. */
  get pendingWrites(): number {
    return this.pending.size;
  }

  maintenance(route: string | null, now: number): MaintenanceStatus | null {
    return this.mirror.maintenance(route, now);
  }
  switchedOff(name: string, now: number): string | null {
    return this.mirror.switchedOff(name, now);
  }
  blockedBy(ip: ParsedIp, now: number): string | null {
    return this.mirror.blockedBy(ip, now);
  }
  tokenRevokedBy(tokenHash: string, now: number): string | null {
    return this.mirror.tokenRevokedBy(tokenHash, now);
  }
  jtiRevokedBy(jti: string, now: number): string | null {
    return this.mirror.jtiRevokedBy(jti, now);
  }
  subjectRevokedBefore(subject: string, now: number): number | null {
    return this.mirror.subjectRevokedBefore(subject, now);
  }
  globalRevokedBefore(now: number): number | null {
    return this.mirror.globalRevokedBefore(now);
  }
  limitOverride(limitName: string, now: number): LimitOverride | null {
    return this.mirror.limitOverride(limitName, now);
  }

  /** Enforced here at once; resolves once Redis has it, or once it is queued while Redis is away. */
  async apply(m: Mitigation): Promise<void> {
    if (m.liftedAt !== null) throw new RampartError('RAMPART_VALIDATION', `mitigation ${m.id} is already lifted`);
    if (this.lifted.has(m.id)) throw new RampartError('RAMPART_CONFLICT', `mitigation ${m.id} was lifted; apply a new one`);
    await this.mirror.apply(m);
    const json = JSON.stringify(m);
    this.known.set(m.id, { json, seq: ++this.seq, end: endOf(m) });
    await this.write(m.id, json, false);
  }

  async lift(id: string, by: string): Promise<Mitigation | null> {
    let lifted = await this.mirror.lift(id, by);
    if (lifted === null && this.link.isUp) {
      // Not in the mirror yet (a message on its way): Redis may still know it.
      const stored = await this.redis.hget(this.keys.hash, id).catch(() => null);
      const m = stored === null ? null : parseMitigation(stored);
      const now = this.clock.now();
      if (m !== null && endOf(m) > now.getTime()) lifted = { ...m, liftedAt: now.toISOString(), liftedBy: by };
    }
    if (lifted === null) return null;
    this.known.delete(id);
    this.remember(lifted);
    await this.write(id, JSON.stringify(lifted), true);
    return lifted;
  }

  list(): Promise<Mitigation[]> {
    return this.mirror.list();
  }

  /** Flushes queued writes, then reloads the hash into the mirror. Resolves after a run that began after the call. */
  reconcile(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.startRun();
    this.queued = this.running.catch(() => {}).then(() => {
      this.queued = null;
      return this.startRun();
    });
    return this.queued;
  }

  private startRun(): Promise<void> {
    const run = this.runReconcile().then(
      () => this.link.markUp(),
      (error: unknown) => {
        this.link.markDown(error);
        throw error;
      },
    ).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async runReconcile(): Promise<void> {
    await this.flush();
    const sentSeq = this.seq;
    let [generation, flat] = await this.redis.rampartSnapshot(this.keys.hash, this.keys.generation, randomUUID());
    if (this.generation !== null && generation !== this.generation) {
      this.logger.warn({ hash: this.keys.hash, held: this.known.size }, 'gateway state: Redis lost the shared mitigations; re-writing the ones this gateway holds');
      await this.rewrite();
      [generation, flat] = await this.redis.rampartSnapshot(this.keys.hash, this.keys.generation, randomUUID());
    }
    this.generation = generation;
    await this.merge(flat, sentSeq);
  }

  private async merge(flat: string[], sentSeq: number): Promise<void> {
    const now = this.clock.now().getTime();
    const seen = new Set<string>();
    const purge: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const id = flat[i] as string;
      const json = flat[i + 1] as string;
      seen.add(id);
      const m = parseMitigation(json);
      if (m === null || m.id !== id) {
        this.logger.warn({ hash: this.keys.hash, id }, 'gateway state: ignoring a malformed mitigation in Redis');
        continue;
      }
      const end = endOf(m);
      if (end + this.retentionMs < now && purge.length < 1000) purge.push(id);
      if (m.liftedAt !== null) this.forget(m);
      else if (end > now && this.known.get(id)?.json !== json && !this.lifted.has(id) && !this.pending.has(id)) {
        await this.applyRemote(m, json);
      }
    }
    for (const [id, k] of this.known) {
      if (k.end <= now) {
        this.known.delete(id);
        continue;
      }
      // Gone from the hash (purged, or deleted by hand) and not changed here since the snapshot was asked for.
      if (!seen.has(id) && k.seq <= sentSeq && !this.pending.has(id) && !this.inflight.has(id)) {
        this.known.delete(id);
        await this.mirror.lift(id, 'redis');
      }
    }
    if (purge.length > 0) await this.redis.hdel(this.keys.hash, ...purge);
  }

  private receive(channel: string, message: string): void {
    if (channel !== this.keys.channel) return;
    let parsed: { o?: unknown; m?: unknown };
    try {
      parsed = JSON.parse(message) as { o?: unknown; m?: unknown };
    } catch {
      parsed = {};
    }
    const m = decodeMitigation(parsed.m);
    if (m === null || typeof parsed.o !== 'string') {
      this.logger.warn({ channel }, 'gateway state: ignoring a malformed change message');
      return;
    }
    if (parsed.o === this.node) return;
    if (m.liftedAt !== null) this.forget(m);
    else if (!this.lifted.has(m.id)) void this.applyRemote(m, JSON.stringify(m));
  }

  private async applyRemote(m: Mitigation, json: string): Promise<void> {
    try {
      await this.mirror.apply(m);
      this.known.set(m.id, { json, seq: ++this.seq, end: endOf(m) });
    } catch (error) {
      this.logger.warn({ id: m.id, err: (error as Error).message }, 'gateway state: cannot enforce a mitigation from Redis');
    }
  }

  /** A lift seen in Redis: end it here and remember it so nothing brings it back. */
  private forget(m: Mitigation): void {
    if (!this.lifted.has(m.id)) this.remember(m);
    if (this.known.delete(m.id)) void this.mirror.lift(m.id, m.liftedBy ?? 'redis');
  }

  private remember(m: Mitigation): void {
    // A full memory forgets its oldest lift (O(1)); the tombstone in Redis still guards it.
    this.lifted.set(m.id, m);
  }

  private async write(id: string, json: string, tombstone: boolean): Promise<void> {
    this.pending.delete(id);
    if (!this.link.isUp) return this.enqueue(id, json);
    try {
      const result = await this.put(id, json, tombstone);
      // Refused over a tombstone: someone lifted it meanwhile; the reconcile ends it here too.
      if (result === -1) void this.reconcile().catch(() => {});
    } catch (error) {
      this.link.markDown(error);
      this.enqueue(id, json);
    }
  }

  private async put(id: string, json: string, tombstone: boolean): Promise<number> {
    this.inflight.set(id, (this.inflight.get(id) ?? 0) + 1);
    try {
      return await this.send(id, json, tombstone);
    } finally {
      const left = (this.inflight.get(id) ?? 1) - 1;
      if (left <= 0) this.inflight.delete(id);
      else this.inflight.set(id, left);
    }
  }

  private send(id: string, json: string, tombstone: boolean): Promise<number> {
    return this.redis.rampartPutMitigation(this.keys.hash, this.keys.generation, id, json, tombstone ? '1' : '0',
      this.keys.channel, `{"o":${JSON.stringify(this.node)},"m":${json}}`, randomUUID());
  }

  private enqueue(id: string, json: string): void {
    if (this.rewriteAll) return;
    if (this.pending.size >= this.maxPending && !this.pending.has(id)) {
      // Nothing is lost: every mitigation this gateway holds (and remembers lifting) is re-written on return.
      this.pending.clear();
      this.rewriteAll = true;
      this.logger.warn({ max: this.maxPending }, 'gateway state: write queue full; will re-write every held mitigation when Redis returns');
      return;
    }
    this.pending.set(id, json);
  }

  private async flush(): Promise<void> {
    if (this.rewriteAll) {
      this.rewriteAll = false;
      this.pending.clear();
      try {
        await this.rewrite();
      } catch (error) {
        this.rewriteAll = true;
        throw error;
      }
    }
    while (this.pending.size > 0) {
      const batch = [...this.pending].slice(0, 500);
      for (const [id] of batch) this.pending.delete(id);
      const results = await Promise.allSettled(batch.map(([id, json]) => this.put(id, json, parseMitigation(json)?.liftedAt != null)));
      const failed = results.findIndex((r) => r.status === 'rejected');
      if (failed === -1) continue;
      batch.forEach(([id, json], i) => {
        if (results[i]?.status === 'rejected' && !this.pending.has(id)) this.pending.set(id, json);
      });
      throw (results[failed] as PromiseRejectedResult).reason;
    }
  }

  /** Writes every in-force mitigation held here and every remembered lift (tombstones win in the script). */
  private async rewrite(): Promise<void> {
    const now = this.clock.now().getTime();
    const writes: Promise<number>[] = [];
    for (const [id, k] of this.known) if (k.end > now) writes.push(this.put(id, k.json, false));
    for (const [id, m] of this.lifted) writes.push(this.put(id, JSON.stringify(m), true));
    await Promise.all(writes);
  }
}
