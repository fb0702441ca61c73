import { describe, expect, it } from 'vitest';
import { RecentEvents, canonicalJson } from './recent-events.js';
import { compileRule } from './rules/index.js';
import { playbookWith, requestEvent, T0 } from './testing/events.js';

describe('RecentEvents', () => {
  it('keeps the last maxEvents events, oldest overwritten first', () => {
    const recent = new RecentEvents({ maxEvents: 3 });
    for (let i = 0; i < 5; i++) recent.push(requestEvent({ time: T0 + i }));
    expect(recent.size).toBe(3);
    expect(recent.snapshot({ from: 0 }).events.map((e) => e.time - T0)).toEqual([2, 3, 4]);
    expect(recent.snapshot({ from: 0 }).truncated).toBe(true);
  });

  it('snapshots the events of one rule and group key over a span, with a stable content hash', async () => {
    const playbook = await playbookWith([
      {
        name: 'per-ip',
        group_by: ['ip'],
        filter: { status: '4xx' },
        trigger: { type: 'threshold', count: 5, window: '1m' },
      },
    ]);
    const rule = compileRule(playbook.detection.rules[0]!, playbook);
    const recent = new RecentEvents({ maxAgeMs: 15 * 60_000 });
    const again = new RecentEvents();
    for (let i = 0; i < 20; i++) {
      const event = requestEvent({
        time: T0 + i * 60_000,
        ip: i % 2 === 0 ? '192.0.2.1' : '192.0.2.2',
        status: i % 4 === 0 ? 200 : 404,
      });
      recent.push(event);
      again.push(event);
    }
    const snap = recent.snapshot({ rule, keys: ['192.0.2.1'] });
    // The span is the last 15 minutes up to the newest event (T0 + 19 min): minutes 4..19, even, 404 only.
    expect(snap.events.map((e) => (e.time - T0) / 60_000)).toEqual([6, 10, 14, 18]);
    expect(snap).toMatchObject({ from: T0 + 4 * 60_000, to: T0 + 19 * 60_000, truncated: false });
    expect(snap.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(again.snapshot({ rule, keys: ['192.0.2.1'] }).hash).toBe(snap.hash);
    expect(recent.snapshot({ rule, keys: ['192.0.2.2'] }).hash).not.toBe(snap.hash);
  });

  it('hashes canonical JSON: key order does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
