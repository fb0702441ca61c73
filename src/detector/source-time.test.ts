import { describe, expect, it } from 'vitest';
import { playbookWith, record, requestEvent, T0 } from './testing/events.js';

const S = 1000;
const M = 60 * S;
const HOUR = 60 * M;

describe('each event source keeps its own time', () => {
  it("a rule over every source judges each key on its own source's clock", async () => {
    const playbook = await playbookWith([
      { name: 'fails', filter: { status: '4xx' }, group_by: ['ip'], trigger: { type: 'threshold', count: 5, window: '1m' }, quiet_period: '5m' },
    ]);
    const { detector, signals, clears } = record(playbook);
    for (let i = 0; i < 5; i++) detector.ingest(requestEvent({ time: T0 + i * S, status: 404, ip: '203.0.113.7' }));
    expect(signals.map((s) => [s.kind, s.groupKey])).toEqual([['fired', '203.0.113.7']]);
    // The app log, an hour ahead, speaks about someone else: the gateway's key is not cleared by its time.
    detector.ingest(requestEvent({ time: T0 + HOUR, source: 'laravel', status: 403, ip: '198.51.100.9' }));
    expect(clears).toEqual([]);
    // The gateway's own time passes window + quiet period: now it clears, at the exact time it was due.
    detector.ingest(requestEvent({ time: T0 + 7 * M, status: 200, ip: '198.51.100.1' }));
    expect(clears.map((c) => [c.groupKey, c.at])).toEqual([['203.0.113.7', new Date(T0 + 4 * S + 6 * M).toISOString()]]);
  });

  it('a late source does not hold back, and an early one does not clear, a rule reading another source', async () => {
    const playbook = await playbookWith([
      { name: 'gw', source: 'gateway', filter: { status: 404 }, trigger: { type: 'threshold', count: 3, window: '1m' }, quiet_period: '1m' },
    ]);
    const { detector, signals, clears } = record(playbook);
    for (let i = 0; i < 3; i++) detector.ingest(requestEvent({ time: T0 + i * S, status: 404 }));
    detector.ingest(requestEvent({ time: T0 + HOUR, source: 'laravel', level: 'error' }));
    detector.ingest(requestEvent({ time: T0 + 10 * S, status: 404 }));
    expect(signals.map((s) => s.kind)).toEqual(['fired']);
    expect(clears).toEqual([]);
    // A tick is wall time: it moves every source that is behind it.
    detector.tick(T0 + 30 * M);
    expect(clears.map((c) => c.at)).toEqual([new Date(T0 + 10 * S + 2 * M).toISOString()]);
  });

  it('an event delivered after its key cleared, but from before the clear, does not open a new episode', async () => {
    // 6FB's booking-latency: 20 slow requests fire it; the clock moves on and it clears; then the event of a
    // request from before the clear arrives late (a busy machine). It belonged to the episode that ended.
    const playbook = await playbookWith([
      { name: 'slow', trigger: { type: 'latency', percentile: 95, above: '1500ms', window: '5m', min_requests: 20 }, quiet_period: '1m' },
    ]);
    const { detector, signals, clears } = record(playbook);
    for (let i = 0; i < 20; i++) detector.ingest(requestEvent({ time: T0 + i * 10, durationMs: 1600 }));
    expect(signals.map((s) => s.kind)).toEqual(['fired']);
    detector.tick(T0 + 16 * M);
    expect(clears).toHaveLength(1);
    detector.ingest(requestEvent({ time: T0 + 30 * S, durationMs: 40 }));
    expect(signals.map((s) => s.kind)).toEqual(['fired']);
    // A new slow spell after the clear is a new episode.
    for (let i = 0; i < 20; i++) detector.ingest(requestEvent({ time: T0 + 20 * M + i * 10, durationMs: 1700 }));
    expect(signals.map((s) => s.kind)).toEqual(['fired', 'fired']);
  });

  it('slow requests delivered late stay out of a latency window that has moved past them', async () => {
    // The CI failure behind the first test: after the clear, the monitors' fast requests arrive, then six of the
    // slow requests' events from long before (a gateway's batch flushed late). Kept in the reservoir out of time
    // order, they made p95 "slow" at the monitors' time and fired the rule again.
    const playbook = await playbookWith([
      { name: 'slow', trigger: { type: 'latency', percentile: 95, above: '1500ms', window: '5m', min_requests: 20 }, quiet_period: '1m' },
    ]);
    const { detector, signals, clears } = record(playbook);
    for (let i = 0; i < 20; i++) detector.ingest(requestEvent({ time: T0 + i * 10, durationMs: 1600 }));
    detector.tick(T0 + 16 * M);
    expect(clears).toHaveLength(1);
    const later = T0 + 33 * M;
    for (let i = 0; i < 5; i++) detector.ingest(requestEvent({ time: later, durationMs: 6 }));
    for (let i = 0; i < 6; i++) detector.ingest(requestEvent({ time: T0 + 5 * S, durationMs: 1620 }));
    for (let i = 0; i < 20; i++) detector.ingest(requestEvent({ time: later + S, durationMs: 5 }));
    expect(signals.map((s) => s.kind)).toEqual(['fired']);
    // Slow requests at the new time do fire it.
    for (let i = 0; i < 20; i++) detector.ingest(requestEvent({ time: later + 2 * S, durationMs: 1700 }));
    expect(signals.map((s) => s.kind)).toEqual(['fired', 'fired']);
  });

  it('an absence rule waits on its own source: silence of the app log is not measured on gateway time', async () => {
    const playbook = await playbookWith([
      { name: 'app-quiet', source: 'laravel', trigger: { type: 'absence', for: '10m' } },
    ]);
    const { detector, signals } = record(playbook);
    detector.ingest(requestEvent({ time: T0, source: 'laravel', level: 'info' }));
    // An hour of gateway traffic says nothing about the app log's time.
    for (let i = 1; i <= 60; i++) detector.ingest(requestEvent({ time: T0 + i * M }));
    expect(signals).toEqual([]);
    // The wall clock (a tick) does: the app log has been silent since T0.
    detector.tick(T0 + 61 * M);
    expect(signals.map((s) => [s.rule, s.kind, s.at])).toEqual([['app-quiet', 'fired', new Date(T0 + 10 * M).toISOString()]]);
  });
});
