import type { RecentEvents } from '../detector/recent-events.js';
import type { RequestEvent } from '../domain/request-event.js';
import { TokenStats, type TokenStat } from './token-stats.js';
import { topTalkers, type TopTalkers } from './top-talkers.js';
import { TrafficSeries, type SeriesPoint, type SeriesQuery } from './traffic-series.js';

/** What the API reads for the console's traffic and token pages. */
export interface TrafficView {
  readonly bucketMs: number;
  readonly spanMs: number;
  series(query?: SeriesQuery): SeriesPoint[];
  routes(): { service: string; route: string; requests: number }[];
  tokens(options?: Parameters<TokenStats['list']>[0]): TokenStat[];
  top(options: { service?: string; windowMs: number; limit: number }): TopTalkers;
  /** The span top() can answer for: the detector's ring of recent events. */
  readonly recentWindowMs: number;
}

/**
 * Fed every request event the detection loop sees (this process's gateways, other gateways over Redis, tailed
 * log files), so the console shows one picture whatever the source; the gateway's own request path is untouched.
 */
export class TrafficRecorder implements TrafficView {
  private readonly seriesStore: TrafficSeries;
  private readonly tokenStore: TokenStats;

  constructor(
    private readonly recent: () => RecentEvents | undefined,
    options: { minutes?: number; tokens?: number } = {},
  ) {
    this.seriesStore = new TrafficSeries(options.minutes);
    this.tokenStore = new TokenStats(options.tokens);
  }

  get bucketMs(): number {
    return this.seriesStore.bucketMs;
  }

  get spanMs(): number {
    return this.seriesStore.minutes * this.seriesStore.bucketMs;
  }

  get recentWindowMs(): number {
    return this.recent()?.maxAgeMs ?? 0;
  }

  record(event: RequestEvent): void {
    this.seriesStore.record(event);
    if (event.tokenHash !== null) this.tokenStore.record(event);
  }

  series(query?: SeriesQuery): SeriesPoint[] {
    return this.seriesStore.points(query);
  }

  routes(): { service: string; route: string; requests: number }[] {
    return this.seriesStore.routes();
  }

  tokens(options?: Parameters<TokenStats['list']>[0]): TokenStat[] {
    return this.tokenStore.list(options);
  }

  top(options: { service?: string; windowMs: number; limit: number }): TopTalkers {
    const recent = this.recent();
    if (recent === undefined) {
      const now = Date.now();
      return {
        from: now - options.windowMs,
        to: now,
        events: 0,
        truncated: false,
        addresses: [],
        prefixes: [],
      };
    }
    return topTalkers(recent, { ...options, windowMs: Math.min(options.windowMs, recent.maxAgeMs) });
  }
}
