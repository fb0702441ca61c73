import type { RecentEvents } from '../detector/recent-events.js';

export interface Talker {
  key: string;
  requests: number;
  denied: number;
  s4xx: number;
  s5xx: number;
}

export interface TopTalkers {
  /** The span the answer covers (epoch ms), and whether the ring held all of it. */
  from: number;
  to: number;
  events: number;
  truncated: boolean;
  addresses: Talker[];
  prefixes: Talker[];
}

/**
 * Top client addresses and prefixes over the last `windowMs`, counted exactly from the detector's ring of recent
 * events when asked: nothing is added to the per-request path for it.
 */
export function topTalkers(
  recent: RecentEvents,
  options: { service?: string; windowMs: number; limit: number; now?: number },
): TopTalkers {
  const addresses = new Map<string, Talker>();
  const prefixes = new Map<string, Talker>();
  let newest = -Infinity;
  let oldest = Infinity;
  let events = 0;
  let from = -Infinity;
  recent.scanBack((event) => {
    if (newest === -Infinity) {
      newest = options.now ?? event.time;
      from = newest - options.windowMs;
    }
    if (event.time < from) return true;
    oldest = Math.min(oldest, event.time);
    if (options.service !== undefined && event.service !== options.service) return undefined;
    events++;
    if (event.ip !== null) count(addresses, event.ip, event.status, event.decision);
    if (event.ipPrefix !== null) count(prefixes, event.ipPrefix, event.status, event.decision);
    return undefined;
  });
  const to = newest === -Infinity ? (options.now ?? Date.now()) : newest;
  const start = to - options.windowMs;
  return {
    from: start,
    to,
    events,
    truncated: recent.size === recent.maxEvents && oldest > start,
    addresses: top(addresses, options.limit),
    prefixes: top(prefixes, options.limit),
  };
}

function count(map: Map<string, Talker>, key: string, status: number, decision: string): void {
  let t = map.get(key);
  if (t === undefined) {
    t = { key, requests: 0, denied: 0, s4xx: 0, s5xx: 0 };
    map.set(key, t);
  }
  t.requests++;
  if (decision !== 'allowed' && decision !== 'upstream-error') t.denied++;
  if (status >= 400 && status < 500) t.s4xx++;
  else if (status >= 500) t.s5xx++;
}

function top(map: Map<string, Talker>, limit: number): Talker[] {
  return [...map.values()].sort((a, b) => b.requests - a.requests).slice(0, limit);
}
