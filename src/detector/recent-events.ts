import type { RequestEvent } from '../domain/request-event.js';
import { sha256 } from '../shared/secrets.js';
import type { CompiledRule } from './rules/index.js';

/**
 * Events the ring holds by default: about 15 minutes at 25 requests a second. Each event is a few hundred bytes
 * to a kilobyte with its strings; at 100,000 the ring alone was most of the all-in-one process's growth under a
 * flood (bench/memory/flood-up.ts). Under more traffic a snapshot covers less than evidence_window and says so.
 */
export const DEFAULT_MAX_EVENTS = 25_000;

export interface RecentEventsOptions {
  /** Count cap, the memory bound. Default DEFAULT_MAX_EVENTS. */
  maxEvents?: number;
  /** Age the store promises to cover (the playbook's evidence_window). Default 15 minutes. */
  maxAgeMs?: number;
}

export interface SnapshotQuery {
  /** With `rule`: only events of these group keys of that rule. */
  keys?: readonly string[];
  /** Only events the rule looks at (its source and filter). */
  rule?: CompiledRule;
  /** Epoch ms, inclusive; default: the newest event's time - maxAgeMs. */
  from?: number;
  /** Epoch ms, inclusive; default: the newest event's time. */
  to?: number;
}

export interface EvidenceSnapshot {
  from: number;
  to: number;
  events: RequestEvent[];
  /** SHA-256 over the canonical JSON of `events`: proves later that the evidence was not altered. */
  hash: string;
  /** True when the store no longer held the whole span (its count cap was reached first). */
  truncated: boolean;
}

/**
 * The last events, oldest overwritten first: what the desk snapshots as evidence when an incident opens.
 * Bounded by count (the memory bound); under heavy traffic the count cap may cover less than maxAgeMs, and a
 * snapshot says so with `truncated`.
 */
export class RecentEvents {
  readonly maxEvents: number;
  readonly maxAgeMs: number;
  private readonly ring: (RequestEvent | undefined)[];
  private next = 0;
  private count = 0;
  private newest = -Infinity;

  constructor(options: RecentEventsOptions = {}) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
    this.ring = new Array<RequestEvent | undefined>(this.maxEvents);
  }

  get size(): number {
    return this.count;
  }

  push(event: RequestEvent): void {
    this.ring[this.next] = event;
    this.next = this.next + 1 === this.maxEvents ? 0 : this.next + 1;
    if (this.count < this.maxEvents) this.count++;
    if (event.time > this.newest) this.newest = event.time;
  }

  /** Newest first; stops when visit returns true or after `limit` events. */
  scanBack(visit: (event: RequestEvent) => boolean | undefined, limit = this.count): void {
    const n = Math.min(limit, this.count);
    let i = this.next;
    for (let k = 0; k < n; k++) {
      i = i === 0 ? this.maxEvents - 1 : i - 1;
      const event = this.ring[i];
      if (event !== undefined && visit(event) === true) return;
    }
  }

  snapshot(query: SnapshotQuery = {}): EvidenceSnapshot {
    const to = query.to ?? this.newest;
    const from = query.from ?? to - this.maxAgeMs;
    const keys = query.keys ? new Set(query.keys) : null;
    const rule = query.rule;
    const events: RequestEvent[] = [];
    let oldest = Infinity;
    this.scanBack((event) => {
      if (event.time < oldest) oldest = event.time;
      if (event.time < from || event.time > to) return undefined;
      if (rule !== undefined) {
        if (event.service !== rule.service || !rule.matches(event)) return undefined;
        if (keys !== null) {
          const key = rule.groupKey(event);
          if (key === undefined || !keys.has(key)) return undefined;
        }
      }
      events.push(event);
      return undefined;
    });
    events.reverse();
    const truncated = this.count === this.maxEvents && oldest > from;
    return { from, to, events, hash: sha256(canonicalJson(events)), truncated };
  }
}

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
