import { correlationEntity } from './correlation-entity.js';
import type { RequestEvent } from '../domain/request-event.js';
import { buildSignal, fingerprintOf, MAX_SAMPLES } from './detector-signal.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import { detach, groupKeysOwn, KeyTable } from './rules/index.js';
import type { CompiledRule, KeyEntry } from './rules/index.js';

interface KeyState extends KeyEntry {
  readonly key: string;
  /**
   * The event source whose time this key runs on: the source of the event that last made it active (or created
   * it). Its clear and silence are judged on that source's clock, so a skewed or late source cannot clear it.
   */
  source: string;
  state: unknown;
  firing: boolean;
  firedAt: number;
  /** Event time the condition last held. */
  lastActive: number;
  /** Value of the last signal sent for this episode. */
  emitted: number;
  /** When the key's last episode cleared: a late event from before it cannot open a new one. */
  clearedAt: number;
}

export interface RunnerSink {
  signal(signal: DetectorSignal): void;
  clear(clear: DetectorClear): void;
}

/** The time of one event source of the rule's service (its watermark), -Infinity before its first event. */
export type SourceClock = (source: string) => number;

/**
 * Each rule keeps its last matching events for samples: a narrow rule (404s from one network) keeps minutes,
 * a broad one seconds. A short ring: every slot holds an event past the next young-generation collection, and
 * the collector copies it and all it references (with 64 slots in each of 29 rules the collector was half the
 * replay's simulated cache misses, bench/detector/README.md). What a broad rule's ring has pushed out, the
 * service's evidence ring (RecentEvents) still holds: samples() looks there next.
 */
const MATCHED_RING = 16;
/**
 * How far back in the evidence ring samples() looks for a key's events. Bounded, because every signal of a
 * distributed attack (thousands of addresses firing) may look; replay's evidence ring holds 1,000 events.
 */
const EVIDENCE_SCAN = 1_000;

/** The service's evidence ring, newest first (RecentEvents.scanBack). */
export type EvidenceScan = (visit: (event: RequestEvent) => boolean | undefined, limit: number) => void;

/**
 * One rule's keys and episodes. A key fires once when its condition first holds; while firing it sends an
 * update only when the value has doubled since the last signal; it clears (and may fire again) once the
 * condition has been clear for the rule's quiet period: clear from lastActive + the trigger's hold. Every
 * time used is event time, and a pending clear or silence is settled at its exact time before the next event
 * of the key, so replay and live produce the same signals whenever they tick.
 */
export class RuleRunner {
  readonly keys: KeyTable<KeyState>;
  /** Firing keys, for the sweep; they survive eviction from `keys` until they clear. */
  private readonly firing = new Map<string, KeyState>();
  private readonly absence: boolean;
  droppedFiring = 0;
  private readonly matched: (RequestEvent | undefined)[] = new Array<RequestEvent | undefined>(MATCHED_RING);
  private matchedNext = 0;
  private single: KeyState | undefined;
  /** The rule reads more than one source: its keys may run on different clocks. */
  private readonly mixed: boolean;
  /**
   * Its group keys may be kept as they are (event-fields.ts, groupKeysOwn): the runner then keeps the very
   * string later events look it up with, and a lookup is a pointer compare instead of a character compare.
   */
  private readonly keysOwn: boolean;

  constructor(
    readonly rule: CompiledRule,
    private readonly sink: RunnerSink,
    private readonly clockOf: SourceClock,
    private readonly evidence?: EvidenceScan,
  ) {
    // A key pushed out while firing stays in `firing` (and keeps its state) until it clears.
    const dispose = rule.trigger.dispose;
    this.keys = new KeyTable<KeyState>(
      rule.trigger.maxKeys,
      dispose === undefined ? undefined : (ks) => {
        if (!ks.firing) dispose(ks.state);
      },
    );
    this.absence = rule.trigger.silentAt !== undefined;
    this.mixed = rule.sources === undefined || rule.sources.size > 1;
    this.keysOwn = groupKeysOwn(rule.groupBy);
  }

  /** Absence rules without group_by watch the whole service from the first moment of a source they read. */
  start(time: number, source: string): void {
    if (this.absence && this.rule.groupBy.length === 0 && this.keys.size === 0) {
      this.single = this.newKey('*', time, source);
      this.keys.add(this.single);
    }
  }

  observe(key: string, event: RequestEvent, time: number): void {
    this.matched[this.matchedNext] = event;
    this.matchedNext = (this.matchedNext + 1) % MATCHED_RING;
    // A rule without group_by has one key for ever: no map lookup per event.
    let ks = this.single ?? this.keys.get(key);
    if (ks === undefined) {
      ks = this.firing.get(key) ?? this.newKey(this.keysOwn ? key : detach(key), time, event.source);
      this.keys.add(ks);
      if (this.rule.groupBy.length === 0) this.single = ks;
    }
    const trigger = this.rule.trigger;
    // What is due for the key is judged on its own source's clock, not on another source's event time.
    const now = !this.mixed || ks.source === event.source ? time : this.clockOf(ks.source);
    if (this.absence) {
      this.checkSilence(ks, now);
      if (ks.firing) this.clearKey(ks, Math.max(time, ks.firedAt));
      trigger.observe(ks.state, event, time, false);
      ks.source = event.source;
      return;
    }
    if (ks.firing && now >= this.clearAt(ks)) this.clearKey(ks, this.clearAt(ks));
    const value = trigger.observe(ks.state, event, time, ks.firing);
    if (value === undefined) return;
    // An event that arrives after the key's episode cleared but happened before the clear (a request's event
    // delivered late, a log line read late) belongs to the episode that ended: it does not open a new one.
    if (!ks.firing && time <= ks.clearedAt) return;
    if (ks.source !== event.source) {
      ks.source = event.source;
      ks.lastActive = time;
    } else if (time > ks.lastActive) ks.lastActive = time;
    if (!ks.firing) {
      ks.firing = true;
      ks.firedAt = time;
      ks.emitted = value;
      this.trackFiring(ks);
      this.emit(ks, 'fired', value, time);
    } else if (value >= 2 * ks.emitted && value > ks.emitted) {
      ks.emitted = value;
      this.emit(ks, 'updated', value, time);
    }
  }

  /** Settles the clears and silences of the keys that run on `source`, due by its time `now`. */
  sweep(source: string, now: number): void {
    const mixed = this.mixed;
    for (const ks of this.firing.values()) {
      if (mixed && ks.source !== source) continue;
      if (!this.absence && now >= this.clearAt(ks)) this.clearKey(ks, this.clearAt(ks));
    }
    if (!this.absence) return;
    const silentAt = this.rule.trigger.silentAt as (state: unknown) => number;
    // Every key: the table's order is only approximate, and absence rules keep few keys (ABSENCE_MAX_KEYS).
    for (const ks of this.keys.entries()) {
      if (mixed && ks.source !== source) continue;
      if (!ks.firing && silentAt(ks.state) <= now) this.checkSilence(ks, now);
    }
  }

  get firingCount(): number {
    return this.firing.size;
  }

  private checkSilence(ks: KeyState, now: number): void {
    if (ks.firing) return;
    const at = (this.rule.trigger.silentAt as (state: unknown) => number)(ks.state);
    if (at > now) return;
    ks.firing = true;
    ks.firedAt = at;
    ks.emitted = this.rule.trigger.threshold;
    this.trackFiring(ks);
    this.emit(ks, 'fired', this.rule.trigger.threshold, at);
  }

  private clearAt(ks: KeyState): number {
    return ks.lastActive + this.rule.trigger.holdMs + this.rule.quietMs;
  }

  private newKey(key: string, time: number, source: string): KeyState {
    return {
      key,
      source,
      state: this.rule.trigger.create(time),
      firing: false,
      firedAt: 0,
      lastActive: -Infinity,
      emitted: 0,
      clearedAt: -Infinity,
      used: false,
    };
  }

  private trackFiring(ks: KeyState): void {
    this.firing.set(ks.key, ks);
    if (this.firing.size > this.rule.trigger.maxKeys) {
      const oldest = this.firing.keys().next();
      if (oldest.done !== true) {
        this.firing.delete(oldest.value);
        this.droppedFiring++;
      }
    }
  }

  private clearKey(ks: KeyState, at: number): void {
    ks.firing = false;
    ks.clearedAt = at;
    this.firing.delete(ks.key);
    if (this.keys.peek(ks.key) !== ks) this.rule.trigger.dispose?.(ks.state);
    this.sink.clear({
      kind: 'cleared',
      service: this.rule.service,
      rule: this.rule.name,
      fingerprint: fingerprintOf(this.rule, ks.key),
      groupKey: ks.key,
      correlate: correlationEntity(this.rule, ks.key),
      ...(this.rule.type !== undefined ? { type: this.rule.type } : {}),
      at: new Date(at).toISOString(),
      firedAt: new Date(ks.firedAt).toISOString(),
      shadow: this.rule.shadow,
    });
  }

  private emit(ks: KeyState, kind: 'fired' | 'updated', value: number, at: number): void {
    const threshold = this.rule.trigger.thresholdOf?.(ks.state) ?? this.rule.trigger.threshold;
    this.sink.signal(
      buildSignal(this.rule, ks.key, { kind, value, threshold, at }, this.samples(ks.key, at)),
    );
  }

  /**
   * The latest events of this rule and key: from the rule's own ring of recent matches, and when that holds
   * fewer than MAX_SAMPLES of the key (a broad rule, whose ring other keys' events have filled), from the
   * service's evidence ring. Oldest first.
   */
  private samples(key: string, at: number): RequestEvent[] {
    const found: RequestEvent[] = [];
    const ring = this.matched;
    for (let k = 1; k <= ring.length && found.length < MAX_SAMPLES; k++) {
      const event = ring[(this.matchedNext - k + ring.length) % ring.length];
      if (event === undefined) break;
      if (event.time <= at && this.rule.groupKey(event) === key) found.push(event);
    }
    if (found.length < MAX_SAMPLES && this.evidence !== undefined) {
      const own = found.length;
      this.evidence((event) => {
        if (event.time > at || event.service !== this.rule.service || found.includes(event)) return undefined;
        if (this.rule.matches(event) && this.rule.groupKey(event) === key) found.push(event);
        return found.length - own >= MAX_SAMPLES;
      }, EVIDENCE_SCAN);
      // Newest first across both: a stable sort keeps each ring's own order between events of one time.
      if (found.length > own) found.sort((a, b) => b.time - a.time).length = Math.min(found.length, MAX_SAMPLES);
    }
    return found.reverse();
  }
}
