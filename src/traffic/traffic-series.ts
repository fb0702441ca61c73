import type { RequestEvent } from '../domain/request-event.js';
import { LATENCY_BOUNDS_MS, latencyBin, quantileOf } from './latency-histogram.js';

/** Counters of one route in one time bucket. */
export interface RouteCounters {
  requests: number;
  s4xx: number;
  s5xx: number;
  s429: number;
  /** Refused by Rampart itself: blocked, revoked, rate-limited, switched off, maintenance, invalid. */
  denied: number;
  latency: Uint32Array;
}

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  requests: number;
  s4xx: number;
  s5xx: number;
  s429: number;
  denied: number;
  /** From the latency bins: the bin bound 95 % of the bucket's requests stayed under; null without timings. */
  p95Ms: number | null;
}

export interface SeriesQuery {
  service?: string;
  route?: string;
  /** Epoch ms; default: the oldest bucket held. */
  from?: number;
  to?: number;
}

interface Bucket {
  minute: number;
  services: Map<string, Map<string, RouteCounters>>;
}

/** Routes counted per service per bucket; a flood of odd paths without a route lands in one "(other)". */
const MAX_ROUTES = 200;
export const NO_ROUTE = '(no route)';
export const OTHER_ROUTES = '(other)';

function counters(): RouteCounters {
  return {
    requests: 0,
    s4xx: 0,
    s5xx: 0,
    s429: 0,
    denied: 0,
    latency: new Uint32Array(LATENCY_BOUNDS_MS.length),
  };
}

/**
 * Requests per service and route in one-minute buckets over a bounded span (a ring of `minutes` buckets): the
 * console's traffic charts. Memory is at most minutes × services × MAX_ROUTES counters, whatever the traffic.
 */
export class TrafficSeries {
  readonly bucketMs = 60_000;
  private readonly ring: (Bucket | undefined)[];
  private newest = -Infinity;

  constructor(readonly minutes = 120) {
    this.ring = new Array<Bucket | undefined>(minutes);
  }

  record(event: RequestEvent): void {
    const minute = Math.floor(event.time / this.bucketMs);
    // Older than the span held (the ring's other slots may still hold such minutes, unread): dropped.
    if (minute <= this.newest - this.minutes) return;
    if (minute > this.newest) this.newest = minute;
    const slot = minute % this.minutes;
    let bucket = this.ring[slot];
    if (bucket === undefined || bucket.minute !== minute) {
      // An older event than the bucket in its slot is past the span; a newer one starts the slot afresh.
      if (bucket !== undefined && bucket.minute > minute) return;
      bucket = { minute, services: new Map() };
      this.ring[slot] = bucket;
    }
    let routes = bucket.services.get(event.service);
    if (routes === undefined) {
      routes = new Map();
      bucket.services.set(event.service, routes);
    }
    let name = event.route ?? NO_ROUTE;
    let c = routes.get(name);
    if (c === undefined) {
      if (routes.size >= MAX_ROUTES) name = OTHER_ROUTES;
      c = routes.get(name);
      if (c === undefined) {
        c = counters();
        routes.set(name, c);
      }
    }
    c.requests++;
    const status = event.status;
    if (status === 429) c.s429++;
    if (status >= 400 && status < 500) c.s4xx++;
    else if (status >= 500) c.s5xx++;
    const d = event.decision;
    if (d !== 'allowed' && d !== 'upstream-error') c.denied++;
    if (event.durationMs !== null) c.latency[latencyBin(event.durationMs)]!++;
  }

  /** The buckets held, oldest first, summed over the routes (and services) the query selects. */
  points(query: SeriesQuery = {}): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    const buckets = this.held();
    for (const bucket of buckets) {
      const t = bucket.minute * this.bucketMs;
      if (query.from !== undefined && t + this.bucketMs <= query.from) continue;
      if (query.to !== undefined && t > query.to) continue;
      const sum = counters();
      for (const [service, routes] of bucket.services) {
        if (query.service !== undefined && service !== query.service) continue;
        for (const [route, c] of routes) {
          if (query.route !== undefined && route !== query.route) continue;
          sum.requests += c.requests;
          sum.s4xx += c.s4xx;
          sum.s5xx += c.s5xx;
          sum.s429 += c.s429;
          sum.denied += c.denied;
          for (let i = 0; i < sum.latency.length; i++) sum.latency[i]! += c.latency[i]!;
        }
      }
      out.push({
        t,
        requests: sum.requests,
        s4xx: sum.s4xx,
        s5xx: sum.s5xx,
        s429: sum.s429,
        denied: sum.denied,
        p95Ms: quantileOf(sum.latency, 0.95),
      });
    }
    return out;
  }

  /** Every service and route seen in the span, with its request count: what the charts can be filtered by. */
  routes(): { service: string; route: string; requests: number }[] {
    const totals = new Map<string, { service: string; route: string; requests: number }>();
    for (const bucket of this.held()) {
      for (const [service, routes] of bucket.services) {
        for (const [route, c] of routes) {
          const key = `${service}\u0000${route}`;
          const t = totals.get(key) ?? { service, route, requests: 0 };
          t.requests += c.requests;
          totals.set(key, t);
        }
      }
    }
    return [...totals.values()].sort((a, b) => b.requests - a.requests);
  }

  /** The buckets within the span ending at the newest minute seen, oldest first. */
  private held(): Bucket[] {
    return this.ring
      .filter((b): b is Bucket => b !== undefined && b.minute > this.newest - this.minutes)
      .sort((a, b) => a.minute - b.minute);
  }
}
