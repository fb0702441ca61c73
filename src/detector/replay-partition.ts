import type { RuleSpec } from '../playbook/index.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import type { DetectorStats } from './engine.js';
import { indexKeysOf } from './rules/index.js';

/**
 * Splitting a replay across threads. Rules share nothing with each other: each rule's signals depend only on the
 * event stream and its own keys. So a replay can run as several partial replays over the same files, each
 * parsing every line and running a share of the rules, and their signals put back together are the signals of one
 * replay with every rule. (Rules that share learned known values, the token-enumeration widths, stay together so
 * the set is learned once.)
 */

/**
 * How much work a rule makes per event, roughly: a rule the index cannot narrow (no route, status, decision, method
 * or path prefix) meets every event; keys and distinct values cost lookups of their own.
 */
export function ruleWeight(rule: RuleSpec): number {
  const keys = indexKeysOf(rule.filter);
  const narrowed =
    keys.routes !== undefined ||
    keys.statusClasses !== undefined ||
    keys.decisions !== undefined ||
    keys.methods !== undefined ||
    keys.pathPrefixes !== undefined;
  let weight = narrowed ? 1 : 4;
  if (rule.group_by.length > 0) weight += 1;
  if (rule.trigger.type === 'distinct') weight += 1;
  return weight;
}

/** Rules that must share one partition: those learning the same known values (see compile-rule's knownValues). */
function bondOf(rule: RuleSpec): string | undefined {
  const trigger = rule.trigger;
  if (trigger.type !== 'distinct' || trigger.ignore_known === undefined) return undefined;
  return `${rule.source ?? '*'}\u0000${trigger.field}\u0000${JSON.stringify(trigger.ignore_known)}`;
}

/**
 * The rules as units that are placed whole: one rule each, except rules bonded by shared known values, which
 * form one unit. Units are in playbook order (of their first rule).
 */
export function ruleUnits(rules: readonly RuleSpec[]): RuleSpec[][] {
  const units = new Map<string, RuleSpec[]>();
  rules.forEach((rule, i) => {
    const bond = bondOf(rule) ?? `#${i}`;
    const unit = units.get(bond) ?? [];
    unit.push(rule);
    units.set(bond, unit);
  });
  return [...units.values()];
}

/**
 * The units in at most `parts` groups of about equal weight (heaviest first into the lightest group), each
 * group's rules in playbook order. Never an empty group: fewer units than parts gives fewer groups.
 * `weights[i]` is unit i's weight: measured (replay-calibration.ts) or ruleWeight's estimate.
 */
export function partitionUnits(
  units: readonly RuleSpec[][],
  weights: readonly number[],
  parts: number,
): RuleSpec[][] {
  const count = Math.max(1, Math.min(parts, units.length));
  const groups = Array.from({ length: count }, () => ({ weight: 0, rules: [] as RuleSpec[] }));
  const heaviestFirst = units.map((unit, i) => ({ unit, weight: weights[i] ?? 1, i }));
  heaviestFirst.sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const { unit, weight } of heaviestFirst) {
    const lightest = groups.reduce((min, g) => (g.weight < min.weight ? g : min));
    lightest.weight += weight;
    lightest.rules.push(...unit);
  }
  const order = units.flat();
  const position = new Map(order.map((rule, i) => [rule, i]));
  return groups
    .filter((g) => g.rules.length > 0)
    .map((g) => g.rules.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)));
}

/** Each unit's weight by ruleWeight's estimate: what a split uses when nothing could be measured. */
export function estimatedWeights(units: readonly RuleSpec[][]): number[] {
  return units.map((unit) => unit.reduce((w, rule) => w + ruleWeight(rule), 0));
}

/** One partial replay's output, with the number of events each signal and clear came after. */
export interface PartialReplay {
  signals: DetectorSignal[];
  clears: DetectorClear[];
  /** signalSeq[i]: events ingested when signals[i] was emitted (the final tick's: all of them). */
  signalSeq: number[];
  clearSeq: number[];
  stats: DetectorStats;
}

/**
 * The partial replays as one, in the replay's order: signals (and clears) by the number of events read before
 * each was raised, then by the rule's place in the playbook, each rule's own in the order it raised them; stats
 * summed, rules in playbook order. One thread's replay is put in this order too (one part), so a split lists
 * exactly what one thread lists. (Within one event the engine settles clears and silences before it offers the
 * event, and the final tick goes source by source: that order is the engine's, not the replay's.)
 */
export function mergeReplays(
  parts: readonly PartialReplay[],
  ruleOrder: readonly string[],
): { signals: DetectorSignal[]; clears: DetectorClear[]; stats: DetectorStats } {
  const position = new Map(ruleOrder.map((name, i) => [name, i]));
  const merge = <T extends { rule: string }>(
    pick: (p: PartialReplay) => { items: T[]; seq: number[] },
  ): T[] => {
    const all: { item: T; seq: number; rule: number; local: number }[] = [];
    for (const part of parts) {
      const { items, seq } = pick(part);
      items.forEach((item, local) =>
        all.push({ item, seq: seq[local] ?? 0, rule: position.get(item.rule) ?? ruleOrder.length, local }),
      );
    }
    all.sort((a, b) => a.seq - b.seq || a.rule - b.rule || a.local - b.local);
    return all.map((a) => a.item);
  };
  const first = parts[0]?.stats;
  const rules = parts
    .flatMap((p) => p.stats.rules)
    .sort((a, b) => (position.get(a.rule) ?? 0) - (position.get(b.rule) ?? 0));
  return {
    signals: merge((p) => ({ items: p.signals, seq: p.signalSeq })),
    clears: merge((p) => ({ items: p.clears, seq: p.clearSeq })),
    stats: {
      // Every part read every event: the stream's own counts are any part's.
      events: first?.events ?? 0,
      unknownService: first?.unknownService ?? 0,
      signals: parts.reduce((n, p) => n + p.stats.signals, 0),
      clears: parts.reduce((n, p) => n + p.stats.clears, 0),
      recentEvents: first?.recentEvents ?? 0,
      rules,
    },
  };
}
