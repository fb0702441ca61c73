import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '../playbook/index.js';
import type { DetectorSignal } from './detector-signal.js';
import type { DetectorStats } from './engine.js';
import { estimatedWeights, mergeReplays, partitionUnits, ruleUnits, ruleWeight } from './replay-partition.js';
import type { PartialReplay } from './replay-partition.js';
import { seedPlaybook } from './testing/events.js';

const names = (groups: RuleSpec[][]) => groups.map((g) => g.map((r) => r.name));
/** The split a replay makes when nothing could be measured: units weighed by ruleWeight. */
const partitionRules = (rules: readonly RuleSpec[], parts: number): RuleSpec[][] => {
  const units = ruleUnits(rules);
  return partitionUnits(units, estimatedWeights(units), parts);
};

describe('partitionUnits', () => {
  it('splits a seed playbook into shares of about equal weight, each in playbook order, losing no rule', async () => {
    const rules = (await seedPlaybook('fotospiel-public-api.yaml')).detection.rules;
    const groups = partitionRules(rules, 2);
    expect(groups).toHaveLength(2);
    expect(
      groups
        .flat()
        .map((r) => r.name)
        .sort(),
    ).toEqual(rules.map((r) => r.name).sort());
    const order = rules.map((r) => r.name);
    for (const group of names(groups))
      expect(group).toEqual([...group].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const [a, b] = groups.map((g) => g.reduce((w, r) => w + ruleWeight(r), 0)) as [number, number];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.max(...rules.map(ruleWeight)));
  });

  it('keeps rules that learn the same known values in one share (the token-enumeration widths)', async () => {
    const rules = (await seedPlaybook('fotospiel-public-api.yaml')).detection.rules;
    const bonded = rules.filter((r) => r.trigger.type === 'distinct' && r.trigger.ignore_known !== undefined);
    expect(bonded.length).toBeGreaterThanOrEqual(3);
    for (const parts of [2, 3, 4]) {
      const holding = partitionRules(rules, parts).filter((g) => g.some((r) => bonded.includes(r)));
      expect(holding).toHaveLength(1);
    }
  });

  it('never makes an empty share: fewer rules than threads gives fewer shares', async () => {
    const rules = (await seedPlaybook('fotospiel-public-api.yaml')).detection.rules.slice(0, 2);
    expect(partitionRules(rules, 4).every((g) => g.length > 0)).toBe(true);
    expect(partitionRules([], 4)).toEqual([]);
  });
});

describe('mergeReplays', () => {
  const signal = (rule: string, groupKey: string): DetectorSignal =>
    ({ rule, groupKey }) as unknown as DetectorSignal;
  const stats = (rules: string[], signals: number): DetectorStats => ({
    events: 10,
    unknownService: 0,
    signals,
    clears: 0,
    recentEvents: 5,
    rules: rules.map((rule) => ({ service: 's', rule, keys: 1, maxKeys: 9, evictions: 0, firing: 0 })),
  });
  const part = (signals: DetectorSignal[], seq: number[], rules: string[]): PartialReplay => ({
    signals,
    clears: [],
    signalSeq: seq,
    clearSeq: [],
    stats: stats(rules, signals.length),
  });

  it('orders signals along the event stream, those after one event in playbook rule order, each rule its own way', () => {
    const order = ['a', 'b', 'c'];
    const merged = mergeReplays(
      [
        part([signal('c', '1'), signal('a', '1'), signal('c', '2')], [3, 5, 5], ['a', 'c']),
        part([signal('b', '1'), signal('b', '2')], [1, 5], ['b']),
      ],
      order,
    );
    expect(merged.signals.map((s) => `${s.rule}${s.groupKey}`)).toEqual(['b1', 'c1', 'a1', 'b2', 'c2']);
    expect(merged.stats.rules.map((r) => r.rule)).toEqual(order);
    expect(merged.stats.signals).toBe(5);
    expect(merged.stats.events).toBe(10);
  });
});
