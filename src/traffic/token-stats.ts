import type { RequestEvent } from '../domain/request-event.js';

/** What is known about one token, by its preview (the keyed hash stays the key and is never shown). */
export interface TokenStat {
  service: string;
  preview: string;
  requests: number;
  /** Refused by Rampart: revoked, blocked, rate-limited and the like. */
  denied: number;
  /** Distinct client addresses and /24 (/64) prefixes, counted exactly up to DISTINCT_CAP. */
  addresses: number;
  prefixes: number;
  /** True when a count reached the cap: "at least". */
  capped: boolean;
  firstSeen: number;
  lastSeen: number;
}

interface Entry {
  stat: TokenStat;
  addresses: Set<string>;
  prefixes: Set<string>;
}

/** Distinct values remembered per token: beyond this, "64+" is all a responder needs to know. */
export const DISTINCT_CAP = 64;

/**
 * Token analytics since this process started: per token, requests, denials, distinct addresses and prefixes,
 * first and last seen. At most `capacity` tokens, the least recently seen forgotten first, so a flood of
 * invented tokens costs evictions, not memory.
 */
export class TokenStats {
  private readonly tokens = new Map<string, Entry>();
  evictions = 0;

  constructor(readonly capacity = 5_000) {}

  record(event: RequestEvent): void {
    const hash = event.tokenHash;
    if (hash === null) return;
    let entry = this.tokens.get(hash);
    if (entry === undefined) {
      entry = {
        stat: {
          service: event.service,
          preview: event.tokenPreview ?? '…',
          requests: 0,
          denied: 0,
          addresses: 0,
          prefixes: 0,
          capped: false,
          firstSeen: event.time,
          lastSeen: event.time,
        },
        addresses: new Set(),
        prefixes: new Set(),
      };
      if (this.tokens.size >= this.capacity) {
        const oldest = this.tokens.keys().next().value;
        if (oldest !== undefined) this.tokens.delete(oldest);
        this.evictions++;
      }
    } else {
      // Map order is the recency order: re-inserting moves the token to the newest end.
      this.tokens.delete(hash);
    }
    this.tokens.set(hash, entry);
    const s = entry.stat;
    s.requests++;
    if (event.decision !== 'allowed' && event.decision !== 'upstream-error') s.denied++;
    if (event.time > s.lastSeen) s.lastSeen = event.time;
    if (event.time < s.firstSeen) s.firstSeen = event.time;
    if (event.ip !== null) s.addresses = addCapped(entry.addresses, event.ip, s);
    if (event.ipPrefix !== null) s.prefixes = addCapped(entry.prefixes, event.ipPrefix, s);
  }

  get size(): number {
    return this.tokens.size;
  }

  /** The top `limit` tokens by the chosen measure, optionally of one service. */
  list(
    options: {
      service?: string;
      sort?: 'requests' | 'addresses' | 'denied' | 'lastSeen';
      limit?: number;
    } = {},
  ): TokenStat[] {
    const sort = options.sort ?? 'requests';
    const out: TokenStat[] = [];
    for (const { stat } of this.tokens.values()) {
      if (options.service !== undefined && stat.service !== options.service) continue;
      out.push({ ...stat });
    }
    out.sort((a, b) => b[sort] - a[sort] || b.requests - a.requests);
    return out.slice(0, options.limit ?? 100);
  }
}

function addCapped(set: Set<string>, value: string, stat: TokenStat): number {
  if (set.size < DISTINCT_CAP) set.add(value);
  else if (!set.has(value)) stat.capped = true;
  return set.size;
}
