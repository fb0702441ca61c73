import { describe, expect, it } from 'vitest';
import { ruleSchema } from '../../playbook/schema/detection.js';
import { createDetector } from '../engine.js';
import type { DetectorSignal } from '../detector-signal.js';
import { requestEvent, seedPlaybook, T0 } from '../testing/events.js';
import { compileRule } from './compile-rule.js';
import { widePrefix } from './event-fields.js';

const S = 1000;

/** A seed playbook with one rule of ours in place of its own: what the engine does with the rule, nothing else. */
async function withRule(rule: Record<string, unknown>) {
  const playbook = await seedPlaybook('fotospiel-public-api.yaml');
  const spec = ruleSchema.parse({ name: 'probe', source: 'gateway', ...rule });
  const signals: DetectorSignal[] = [];
  const detector = createDetector({
    rules: [compileRule(spec, playbook)],
    onSignal: (s) => signals.push(s),
  });
  return { detector, signals };
}

describe('network fields and filters', () => {
  it('ip_prefix16 is the /16 of an IPv4 address and the /48 of an IPv6 one', () => {
    expect(widePrefix('185.220.101.7')).toBe('185.220.0.0/16');
    expect(widePrefix('2a01:4f8:c17:1a2b::1')).toBe('2a01:4f8:c17::/48');
    expect(widePrefix('2001:db8::7')).toBe('2001:db8:0::/48');
    expect(widePrefix('not-an-ip')).toBeNull();
  });

  it('groups by /16: guesses from 20 different /24s of one /16 are one network', async () => {
    const { detector, signals } = await withRule({
      filter: { status: [404] },
      group_by: ['ip_prefix16'],
      trigger: { type: 'distinct', field: 'token', count: 20, window: '1h' },
    });
    for (let i = 0; i < 20; i++)
      detector.ingest(requestEvent({ time: T0 + i * 60 * S, ip: `185.220.${i * 7}.9`, status: 404, tokenHash: `g${i}` }));
    expect(signals.map((s) => [s.groupKey, s.value])).toEqual([['185.220.0.0/16', 20]]);
  });

  it('a cidr list matches addresses inside its networks only, IPv4 and IPv6', async () => {
    const { detector, signals } = await withRule({
      filter: { ip: { cidr: ['88.198.0.0/16', '2a01:4f8::/32'] } },
      group_by: ['ip'],
      trigger: { type: 'threshold', count: 2, window: '1m' },
    });
    for (const ip of ['88.198.34.7', '88.198.34.7', '88.199.1.1', '88.199.1.1', '2a01:4f8:1::5', '2a01:4f8:1::5', 'unknown'])
      detector.ingest(requestEvent({ time: T0, ip }));
    expect(signals.map((s) => s.groupKey).sort()).toEqual(['2a01:4f8:1::5', '88.198.34.7']);
  });

  it('a cidr entry that is no network fails at load, naming it', async () => {
    await expect(
      withRule({ filter: { ip: { cidr: ['10.0.0.0/8', 'ten'] } }, trigger: { type: 'threshold', count: 2, window: '1m' } }),
    ).rejects.toThrow(/filter\.ip\.cidr: "ten" is not an address or network/);
  });
});

describe('distinct counts that ignore known values', () => {
  const rule = {
    filter: { status: [404] },
    group_by: ['ip_prefix'],
    trigger: { type: 'distinct', field: 'token', count: 3, window: '5m', ignore_known: { status: '2xx' } },
  };

  it('does not count a value once seen on a matching event, even on events the filter leaves out', async () => {
    const { detector, signals } = await withRule(rule);
    for (const t of ['a', 'b', 'c']) detector.ingest(requestEvent({ time: T0, ip: '192.0.2.1', status: 200, tokenHash: t }));
    for (const t of ['a', 'b', 'c']) detector.ingest(requestEvent({ time: T0 + S, ip: '192.0.2.2', status: 404, tokenHash: t }));
    expect(signals).toEqual([]);
    // Never answered 2xx: counted.
    for (const t of ['x', 'y', 'z']) detector.ingest(requestEvent({ time: T0 + 2 * S, ip: '192.0.2.3', status: 404, tokenHash: t }));
    expect(signals.map((s) => [s.groupKey, s.value])).toEqual([['192.0.2.0/24', 3]]);
  });

  it('says so in plain words', async () => {
    const { describeTrigger } = await import('../../playbook/index.js');
    expect(describeTrigger(ruleSchema.parse({ name: 'r', ...rule }).trigger, ['ip_prefix'])).toContain(
      'counting only token values never seen on an event with status 2xx',
    );
  });
});
