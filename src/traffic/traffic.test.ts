import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '../domain/request-event.js';
import { DISTINCT_CAP, TokenStats } from './token-stats.js';
import { OTHER_ROUTES, TrafficSeries } from './traffic-series.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');

function event(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    time: T0,
    service: 'guest-api',
    source: 'gateway',
    method: 'GET',
    path: '/api/v1/events/abc/photos',
    query: null,
    route: 'gallery',
    host: null,
    status: 200,
    durationMs: 12,
    bytes: 100,
    ip: '198.51.100.7',
    ipPrefix: '198.51.100.0/24',
    tokenHash: null,
    tokenPreview: null,
    subject: null,
    tenant: null,
    event: null,
    userAgent: null,
    decision: 'allowed',
    rule: null,
    spoofedForwardedFor: false,
    message: null,
    level: null,
    fields: {},
    ...overrides,
  };
}

describe('the traffic series', () => {
  it('counts requests, 4xx, 5xx, 429 and denials per minute, with a p95 from the latency bins', () => {
    const series = new TrafficSeries(60);
    for (let i = 0; i < 95; i++) series.record(event({ time: T0 + i, durationMs: 10 }));
    for (let i = 0; i < 5; i++) series.record(event({ time: T0 + 100 + i, durationMs: 900 }));
    series.record(event({ time: T0 + 60_000, status: 429, decision: 'rate-limited', durationMs: 1 }));
    series.record(event({ time: T0 + 60_001, status: 503, decision: 'upstream-error' }));
    series.record(event({ time: T0 + 60_002, status: 403, decision: 'blocked', service: 'booking-api' }));
    expect(series.points({ service: 'guest-api' })).toEqual([
      { t: T0, requests: 100, s4xx: 0, s5xx: 0, s429: 0, denied: 0, p95Ms: 10 },
      { t: T0 + 60_000, requests: 2, s4xx: 1, s5xx: 1, s429: 1, denied: 1, p95Ms: 15 },
    ]);
    expect(series.points({ from: T0 + 60_000 }).map((p) => p.requests)).toEqual([3]);
  });

  it('forgets minutes past its span and caps the routes it tells apart', () => {
    const series = new TrafficSeries(5);
    series.record(event({ time: T0 }));
    series.record(event({ time: T0 + 10 * 60_000 }));
    series.record(event({ time: T0 + 60_000 })); // older than the span now held: dropped
    expect(series.points().map((p) => p.t)).toEqual([T0 + 10 * 60_000]);
    for (let i = 0; i < 500; i++) series.record(event({ time: T0 + 10 * 60_000, route: `/odd/${i}` }));
    const routes = series.routes();
    expect(routes.length).toBeLessThanOrEqual(201);
    expect(routes.find((r) => r.route === OTHER_ROUTES)?.requests).toBeGreaterThan(290);
  });
});

describe('token analytics', () => {
  it('counts per token by preview, denials, distinct addresses and prefixes, first and last seen', () => {
    const tokens = new TokenStats(10);
    const t = { tokenHash: 'h1', tokenPreview: 'evt-…4e' };
    tokens.record(event({ ...t, time: T0, ip: '203.0.113.1', ipPrefix: '203.0.113.0/24' }));
    tokens.record(
      event({
        ...t,
        time: T0 + 5,
        ip: '203.0.113.2',
        ipPrefix: '203.0.113.0/24',
        decision: 'revoked',
        status: 403,
      }),
    );
    tokens.record(event({ ...t, time: T0 + 9, ip: '192.0.2.9', ipPrefix: '192.0.2.0/24' }));
    expect(tokens.list()).toEqual([
      {
        service: 'guest-api',
        preview: 'evt-…4e',
        requests: 3,
        denied: 1,
        addresses: 3,
        prefixes: 2,
        capped: false,
        firstSeen: T0,
        lastSeen: T0 + 9,
      },
    ]);
  });

  it('stays bounded under a flood of invented tokens and addresses', () => {
    const tokens = new TokenStats(100);
    for (let i = 0; i < 10_000; i++) tokens.record(event({ tokenHash: `h${i}`, tokenPreview: `t${i}` }));
    expect(tokens.size).toBe(100);
    expect(tokens.evictions).toBe(9_900);
    expect(tokens.list({ limit: 1000 }).map((s) => s.preview)).toContain('t9999');
    for (let i = 0; i < 1_000; i++)
      tokens.record(event({ tokenHash: 'leaked', tokenPreview: 'lk…', ip: `10.0.${i >> 8}.${i & 255}` }));
    const leaked = tokens.list({ sort: 'addresses', limit: 1 })[0];
    expect(leaked).toMatchObject({ preview: 'lk…', addresses: DISTINCT_CAP, capped: true, requests: 1_000 });
  });
});
