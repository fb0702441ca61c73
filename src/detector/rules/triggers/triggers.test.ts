import { describe, expect, it } from 'vitest';
import { playbookWith, record, requestEvent, T0 } from '../../testing/events.js';

const S = 1000;
const M = 60 * S;

describe('threshold', () => {
  const rule = {
    name: 'burst',
    group_by: ['ip'],
    trigger: { type: 'threshold', count: 20, window: '1m' },
    quiet_period: '5m',
  };

  it('fires on the 20th event in the window, once, then clears after window + quiet period', async () => {
    const { detector, signals, clears } = record(await playbookWith([rule]));
    for (let i = 0; i < 19; i++) detector.ingest(requestEvent({ time: T0 + i * S }));
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 19 * S }));
    expect(signals).toMatchObject([
      {
        kind: 'fired',
        rule: 'burst',
        groupKey: '198.51.100.7',
        value: 20,
        threshold: 20,
        windowMs: M,
        at: new Date(T0 + 19 * S).toISOString(),
      },
    ]);
    expect(signals[0]?.fingerprint).toBe('guest-api:burst:198.51.100.7');
    // Still over the threshold: no new signal until the value doubles.
    for (let i = 20; i < 39; i++) detector.ingest(requestEvent({ time: T0 + i * 100 + 19 * S }));
    expect(signals).toHaveLength(1);
    detector.ingest(requestEvent({ time: T0 + 24 * S }));
    expect(signals.map((s) => [s.kind, s.value])).toEqual([
      ['fired', 20],
      ['updated', 40],
    ]);
    // Last time the condition held: T0 + 24 s. Clear at + 1 m window + 5 m quiet.
    const clearAt = T0 + 24 * S + M + 5 * M;
    detector.tick(clearAt - 1);
    expect(clears).toHaveLength(0);
    detector.tick(clearAt);
    expect(clears).toMatchObject([
      { kind: 'cleared', rule: 'burst', groupKey: '198.51.100.7', at: new Date(clearAt).toISOString() },
    ]);
  });

  it('does not count events that fell out of the window', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 40; i++) detector.ingest(requestEvent({ time: T0 + i * 4 * S }));
    expect(signals).toHaveLength(0);
  });

  it('keeps groups apart and skips events without the group field', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 30; i++) {
      detector.ingest(requestEvent({ time: T0 + i, ip: `198.51.100.${i % 2}` }));
      detector.ingest(requestEvent({ time: T0 + i, ip: null, ipPrefix: null }));
    }
    expect(signals).toHaveLength(0);
  });
});

describe('leaky bucket', () => {
  const rule = {
    name: 'bucket',
    group_by: ['ip'],
    quiet_period: '1m',
    trigger: { type: 'leaky_bucket', capacity: 5, leak: '1/s', blackhole: '10m' },
  };

  it('overflows on capacity + 1, stays firing through the blackhole, then clears', async () => {
    const { detector, signals, clears } = record(await playbookWith([rule]));
    for (let i = 0; i < 5; i++) detector.ingest(requestEvent());
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent());
    expect(signals).toMatchObject([{ rule: 'bucket', value: 6, threshold: 5, windowMs: 5000 }]);
    // The bucket leaks: one per second fits again without overflow, and nothing re-fires in the blackhole.
    for (let i = 1; i <= 30; i++) detector.ingest(requestEvent({ time: T0 + i * S }));
    expect(signals).toHaveLength(1);
    detector.tick(T0 + 11 * M - 1);
    expect(clears).toHaveLength(0);
    detector.tick(T0 + 11 * M);
    expect(clears).toHaveLength(1);
  });
});

describe('distinct', () => {
  const rule = {
    name: 'enum',
    group_by: ['ip_prefix'],
    quiet_period: '10m',
    trigger: { type: 'distinct', field: 'token', count: 20, window: '5m' },
  };

  it('fires on the 20th distinct token of one /24, counting repeats once', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 19; i++) {
      detector.ingest(
        requestEvent({ time: T0 + i * S, ip: `203.0.113.${i}`, tokenHash: `h${i}`, tokenPreview: `t${i}…` }),
      );
      detector.ingest(
        requestEvent({ time: T0 + i * S, ip: `203.0.113.${i}`, tokenHash: `h${i}`, tokenPreview: `t${i}…` }),
      );
    }
    expect(signals).toHaveLength(0);
    detector.ingest(
      requestEvent({ time: T0 + 20 * S, ip: '203.0.113.99', tokenHash: 'h99', tokenPreview: 't99…' }),
    );
    expect(signals).toMatchObject([{ rule: 'enum', groupKey: '203.0.113.0/24', value: 20, threshold: 20 }]);
    expect(signals[0]?.scope?.ips).toContain('203.0.113.0/24');
    expect(signals[0]?.scope?.tokenPreviews).toContain('t99…');
    expect(signals[0]?.samples).toHaveLength(5);
  });

  it('forgets values older than the window', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 40; i++) detector.ingest(requestEvent({ time: T0 + i * 20 * S, tokenHash: `h${i}` }));
    expect(signals).toHaveLength(0);
  });

  it('counts long values (user agents, remembered by hash) as distinct as short ones, repeats once', async () => {
    const agents = {
      name: 'agents',
      group_by: ['ip'],
      trigger: { type: 'distinct', field: 'user_agent', count: 50, window: '80s' },
    };
    const { detector, signals } = record(await playbookWith([agents]));
    const agent = (n: number) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${n}.0) Gecko/20100101 Firefox/${n}.0`;
    // Three browsers over and over: three values, however many requests.
    for (let i = 0; i < 300; i++) detector.ingest(requestEvent({ time: T0 + i * 100, userAgent: agent(i % 3) }));
    expect(signals).toHaveLength(0);
    for (let n = 3; n < 49; n++) detector.ingest(requestEvent({ time: T0 + 30 * S + n, userAgent: agent(n) }));
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 31 * S, userAgent: agent(2) }));
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 31 * S, userAgent: agent(49) }));
    expect(signals).toMatchObject([{ rule: 'agents', groupKey: '198.51.100.7', value: 50 }]);
  });
});

describe('distinct with late events', () => {
  it('does not count a value whose event arrives after the window has moved past it', async () => {
    const rule = { name: 'enum', group_by: ['ip_prefix'], trigger: { type: 'distinct', field: 'token', count: 5, window: '1m' } };
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 3; i++) detector.ingest(requestEvent({ time: T0 + 10 * S, tokenHash: `now${i}` }));
    // Two tokens from five minutes earlier, delivered late: outside the minute that ends now.
    for (let i = 0; i < 2; i++) detector.ingest(requestEvent({ time: T0 - 4 * 60 * S, tokenHash: `old${i}` }));
    detector.ingest(requestEvent({ time: T0 + 11 * S, tokenHash: 'now3' }));
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 12 * S, tokenHash: 'now4' }));
    expect(signals).toMatchObject([{ rule: 'enum', value: 5 }]);
  });
});

describe('distinct under many keys', () => {
  it('keeps 5,000 addresses with one user agent each (no key churn), and still fires on the one that switches', async () => {
    // http-dos-switching-ua's shape: 100 agents per address in 80 s. Keys used to be capped as if each held 200
    // values (1,250 keys): 4,000 guests' addresses pushed each other out on every request. Now 250,000 / 48.
    const agents = {
      name: 'switching',
      group_by: ['ip'],
      trigger: { type: 'distinct', field: 'user_agent', count: 100, window: '80s' },
    };
    const { detector, signals } = record(await playbookWith([agents]));
    const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
    for (let round = 0; round < 3; round++)
      for (let i = 0; i < 5_000; i++)
        detector.ingest(requestEvent({ time: T0 + round * 1_000 + i / 10, ip: `10.0.${i >> 8}.${i & 255}`, userAgent: phone }));
    const [stats] = detector.stats().rules;
    expect(stats?.keys).toBe(5_000);
    expect(stats?.evictions).toBe(0);
    for (let n = 0; n < 100; n++)
      detector.ingest(requestEvent({ time: T0 + 5 * S + n, ip: '203.0.113.9', userAgent: `${phone} flood/${n}` }));
    expect(signals).toMatchObject([{ rule: 'switching', groupKey: '203.0.113.9', value: 100 }]);
  });
});

describe('ratio', () => {
  const rule = {
    name: 'outage',
    quiet_period: '10m',
    trigger: { type: 'ratio', share: 0.5, min_requests: 20, window: '1m', errors: { status: '>=500' } },
  };

  it('needs the minimum volume', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 19; i++) detector.ingest(requestEvent({ time: T0 + i, status: 503 }));
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 20, status: 503 }));
    expect(signals).toMatchObject([
      { rule: 'outage', groupKey: '*', value: 1, threshold: 0.5, title: 'outage' },
    ]);
  });

  it('fires on a share strictly above', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 19; i++) detector.ingest(requestEvent({ time: T0 + i, status: 200 }));
    for (let i = 0; i < 19; i++) detector.ingest(requestEvent({ time: T0 + 100 + i, status: 503 }));
    // 19 errors of 38 = 0.5: not above.
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 200, status: 500 }));
    expect(signals).toMatchObject([{ value: 0.513, threshold: 0.5 }]);
  });
});

describe('baseline', () => {
  const rule = (group: string[]) => ({
    name: 'spike',
    group_by: group,
    quiet_period: '10m',
    trigger: { type: 'baseline', factor: 4, window: '5m', learn: '1h', min_count: 20 },
  });

  it('a whole-service rule waits for the learning time, then fires far above the learned normal', async () => {
    const { detector, signals } = record(await playbookWith([rule([])]));
    // 30 errors in the first minute: over min_count, but nothing is learned yet.
    for (let i = 0; i < 30; i++) detector.ingest(requestEvent({ time: T0 + i * S }));
    expect(signals).toHaveLength(0);
    // An hour of normal: 10 per 5 minutes.
    for (let t = 5 * M; t < 65 * M; t += 30 * S) detector.ingest(requestEvent({ time: T0 + t }));
    expect(signals).toHaveLength(0);
    // Then 60 in a minute: far over 4 × ~10.
    for (let i = 0; i < 60; i++) detector.ingest(requestEvent({ time: T0 + 66 * M + i * S }));
    expect(signals).toHaveLength(1);
    expect(signals[0]?.value).toBeGreaterThan(signals[0]?.threshold ?? Infinity);
    expect(signals[0]?.threshold).toBeGreaterThanOrEqual(20);
  });

  it('a new key of a grouped rule has min_count as its floor', async () => {
    const { detector, signals } = record(await playbookWith([rule(['ip_prefix'])]));
    for (let i = 0; i < 19; i++) detector.ingest(requestEvent({ time: T0 + i * S }));
    expect(signals).toHaveLength(0);
    detector.ingest(requestEvent({ time: T0 + 20 * S }));
    expect(signals).toMatchObject([{ groupKey: '198.51.100.0/24', value: 20, threshold: 20 }]);
  });
});

describe('latency', () => {
  const rule = {
    name: 'slow',
    filter: { route: ['gallery'] },
    trigger: { type: 'latency', percentile: 95, above: '2s', window: '5m', min_requests: 20 },
  };
  const gallery = (time: number, durationMs: number) =>
    requestEvent({
      time,
      durationMs,
      path: '/api/v1/gallery/abcd…ef/photos',
      route: '/api/v1/gallery/{token}/*',
    });

  it('fires when the 95th percentile is above the bound over enough requests', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 19; i++) detector.ingest(gallery(T0 + i * 2 * S, 3000));
    expect(signals).toHaveLength(0);
    detector.ingest(gallery(T0 + 40 * S, 3000));
    expect(signals).toMatchObject([{ rule: 'slow', value: 3000, threshold: 2000 }]);
  });

  it('stays quiet when only a few requests are slow', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    for (let i = 0; i < 200; i++) detector.ingest(gallery(T0 + i * S, i % 50 === 0 ? 9000 : 80));
    expect(signals).toHaveLength(0);
  });
});

describe('absence', () => {
  const rule = { name: 'silent', filter: { route: ['gallery'] }, trigger: { type: 'absence', for: '30m' } };

  it('fires at exactly last event + for, and clears when traffic is back', async () => {
    const { detector, signals, clears } = record(await playbookWith([rule]));
    detector.ingest(requestEvent({ time: T0, path: '/api/v1/gallery/x/photos' }));
    detector.tick(T0 + 30 * M - 1);
    expect(signals).toHaveLength(0);
    detector.tick(T0 + 31 * M);
    expect(signals).toMatchObject([
      { rule: 'silent', groupKey: '*', at: new Date(T0 + 30 * M).toISOString(), threshold: 30 * M },
    ]);
    detector.ingest(requestEvent({ time: T0 + 40 * M, path: '/api/v1/gallery/x/photos' }));
    expect(clears).toMatchObject([{ rule: 'silent', at: new Date(T0 + 40 * M).toISOString() }]);
  });

  it('also fires when the service never saw a matching event', async () => {
    const { detector, signals } = record(await playbookWith([rule]));
    detector.ingest(requestEvent({ time: T0, path: '/health' }));
    detector.tick(T0 + 30 * M);
    expect(signals).toHaveLength(1);
  });
});
