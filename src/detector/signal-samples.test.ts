import { describe, expect, it } from 'vitest';
import { MAX_SAMPLES } from './detector-signal.js';
import { playbookWith, record, requestEvent, T0 } from './testing/events.js';

const S = 1000;

/** A rule that sees every request: its own ring of recent matches fills with every client's events. */
const broad = {
  name: 'busy-client',
  group_by: ['ip'],
  trigger: { type: 'threshold', count: 10, window: '10m' },
};

describe("a signal's samples", () => {
  it("are the firing client's latest events, oldest first, though a broad rule's own ring holds other clients'", async () => {
    const { detector, signals } = record(await playbookWith([broad]));
    const attacker = '203.0.113.9';
    let time = T0;
    for (let i = 0; i < 10; i++) {
      detector.ingest(requestEvent({ time: (time += S), ip: attacker, path: `/probe-${i}` }));
      // Twenty other clients between two of the attacker's requests, each far under the threshold.
      for (let k = 0; k < 20; k++) detector.ingest(requestEvent({ time: (time += 10), ip: `198.51.100.${i * 20 + k}` }));
    }
    expect(signals).toMatchObject([{ rule: 'busy-client', groupKey: attacker, kind: 'fired' }]);
    const samples = signals[0]?.samples ?? [];
    expect(samples).toHaveLength(MAX_SAMPLES);
    expect(samples.map((s) => s.ip)).toEqual(Array(MAX_SAMPLES).fill(attacker));
    expect(samples.map((s) => s.path)).toEqual([5, 6, 7, 8, 9].map((i) => `/probe-${i}`));
  });

  it("never take another service's events, nor ones the rule's filter refuses", async () => {
    const rule = { ...broad, filter: { status: [404] } };
    const { detector, signals } = record(await playbookWith([rule]));
    const attacker = '203.0.113.9';
    let time = T0;
    for (let i = 0; i < 10; i++) {
      // The same address at another service, and a 200 of its own: both sit in the evidence ring.
      detector.ingest(requestEvent({ time: (time += S), ip: attacker, service: 'other-api', status: 404 }));
      detector.ingest(requestEvent({ time: (time += 1), ip: attacker, status: 200 }));
      detector.ingest(requestEvent({ time: (time += 1), ip: attacker, status: 404, path: `/missing-${i}` }));
      for (let k = 0; k < 20; k++)
        detector.ingest(requestEvent({ time: (time += 10), ip: `198.51.100.${i * 20 + k}`, status: 404 }));
    }
    expect(signals).toHaveLength(1);
    const samples = signals[0]?.samples ?? [];
    expect(samples.map((s) => s.path)).toEqual([5, 6, 7, 8, 9].map((i) => `/missing-${i}`));
    expect(samples.every((s) => s.status === 404)).toBe(true);
  });
});
