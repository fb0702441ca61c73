import type { RequestEvent } from '../../domain/request-event.js';
import { eventSourcesOfRule, ruleSeverity } from '../../playbook/index.js';
import type { FilterSpec, MitigationSpec, Playbook, RuleSpec } from '../../playbook/index.js';
import { RampartError } from '../../shared/errors.js';
import { compileFilter } from './compile-filter.js';
import { fieldGetter, groupKeyOf, keeper } from './event-fields.js';
import { KeyTable } from './key-table.js';
import type { KeyEntry } from './key-table.js';
import { indexKeysOf } from './index-keys.js';
import type { IndexKeys } from './index-keys.js';
import type { RouteNames } from './event-fields.js';
import type { Trigger } from './trigger.js';
import { anyTrigger, DEFAULT_MAX_KEYS } from './trigger.js';
import { absenceTrigger, ABSENCE_MAX_KEYS } from './triggers/absence.js';
import { baselineTrigger } from './triggers/baseline.js';
import { distinctTrigger } from './triggers/distinct.js';
import { latencyTrigger, LATENCY_MAX_KEYS } from './triggers/latency.js';
import { leakyBucketTrigger } from './triggers/leaky-bucket.js';
import { ratioTrigger } from './triggers/ratio.js';
import { thresholdTrigger } from './triggers/threshold.js';

export interface CompiledRule {
  readonly name: string;
  readonly service: string;
  readonly title: string;
  /** The rule's, else its incident type's, else the playbook default. */
  readonly severity: string;
  readonly type: string | undefined;
  /** The rule's `source:` as written; undefined = every source. */
  readonly source: string | undefined;
  /** The event sources (event.source) it reads; undefined = every source. */
  readonly sources: ReadonlySet<string> | undefined;
  readonly groupBy: readonly string[];
  readonly shadow: boolean;
  readonly quietMs: number;
  readonly mitigation: MitigationSpec | undefined;
  readonly trigger: Trigger;
  /** What its filter requires of every event it matches: the engine's rule index reads it. */
  readonly index: IndexKeys;
  /** The playbook's route patterns and names, as the filter reads them. */
  readonly routes: RouteNames;
  /**
   * Learns from every event of the rule's sources, matched or not (a distinct trigger's known values); the
   * engine calls it before the filter. Absent for most rules.
   */
  readonly learn?: (event: RequestEvent) => void;
  /** Source and filter: whether the rule looks at this event at all. */
  matches(event: RequestEvent): boolean;
  /** The group key, or undefined when the event lacks a group field (skipped for this rule). */
  groupKey(event: RequestEvent): string | undefined;
}

export interface CompileOptions {
  /**
   * Known-value sets shared by the rules of one compile (compileRules): rules that learn the same field from the
   * same filter on the same sources (the three token-enumeration widths) keep one set and learn once per event.
   */
  knownValues?: Map<string, KnownValues>;
  /** Upper bound on keys per rule; triggers with heavy per-key state lower it further. Default 50,000. */
  maxKeys?: number;
  /** Offer each event only to the rules that can match it (default); false offers it to every rule of its source. */
  index?: boolean;
}

/** pattern → name and name → name for the playbook's routes. */
export function routeNamesOf(playbook: Playbook): RouteNames {
  const names = new Map<string, string>();
  for (const route of playbook.service.routes) {
    names.set(route.pattern, route.name);
    names.set(route.name, route.name);
  }
  return names;
}

/**
 * Compiles one playbook rule at load: filter, group key and trigger. A rule that cannot run throws
 * RAMPART_CONFIG naming the rule and the field, never later per event.
 */
export function compileRule(rule: RuleSpec, playbook: Playbook, options: CompileOptions = {}): CompiledRule {
  const where = `detection.rules[${rule.name}]`;
  const fail = (field: string, message: string): never => {
    throw new RampartError('RAMPART_CONFIG', `${where}.${field}: ${message}`, [
      { path: `${where}.${field}`, message },
    ]);
  };
  const routes = routeNamesOf(playbook);
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const sources = eventSourcesOfRule(rule, playbook);
  if (sources !== undefined && sources.size === 0) {
    const names = playbook.detection.sources.map((s) => s.name ?? s.kind);
    fail(
      'source',
      `unknown source "${rule.source}" (known: ${['gateway', ...names.filter((n) => n !== 'gateway')].join(', ')})`,
    );
  }
  const filter = compileFilter(rule.filter, routes, `${where}.filter`);
  const spec = rule.trigger;
  const grouped = rule.group_by.length > 0;
  let trigger: Trigger;
  let learn: ((event: RequestEvent) => void) | undefined;
  switch (spec.type) {
    case 'threshold':
      trigger = anyTrigger(thresholdTrigger(spec, maxKeys));
      break;
    case 'leaky_bucket':
      trigger = anyTrigger(leakyBucketTrigger(spec, maxKeys));
      break;
    case 'distinct':
      if (rule.group_by.includes(spec.field))
        fail('trigger.field', `"${spec.field}" is also a group_by key: it has one value per group`);
      if (spec.ignore_known !== undefined) {
        const shareAs = `${[...(sources ?? ['*'])].sort().join(',')}\u0000${spec.field}\u0000${JSON.stringify(spec.ignore_known)}`;
        let known = options.knownValues?.get(shareAs);
        if (known === undefined) {
          known = knownValues(spec.field, spec.ignore_known, routes, `${where}.trigger.ignore_known`);
          options.knownValues?.set(shareAs, known);
        }
        learn = known.learn;
        trigger = anyTrigger(distinctTrigger(spec, known.unknown, maxKeys, keeper(spec.field)));
      } else trigger = anyTrigger(distinctTrigger(spec, fieldGetter(spec.field, routes), maxKeys, keeper(spec.field)));
      break;
    case 'ratio':
      trigger = anyTrigger(
        ratioTrigger(spec, compileFilter(spec.errors, routes, `${where}.trigger.errors`), maxKeys),
      );
      break;
    case 'baseline':
      if (spec.learn < spec.window) fail('trigger.learn', 'a learning time at least as long as the window');
      trigger = anyTrigger(baselineTrigger(spec, grouped, maxKeys));
      break;
    case 'latency':
      trigger = anyTrigger(latencyTrigger(spec, Math.min(maxKeys, LATENCY_MAX_KEYS)));
      break;
    case 'absence':
      trigger = anyTrigger(absenceTrigger(spec, Math.min(maxKeys, ABSENCE_MAX_KEYS)));
      break;
  }
  const only = sources?.size === 1 ? [...sources][0] : undefined;
  const matches =
    sources === undefined
      ? filter
      : only !== undefined
        ? (event: RequestEvent) => event.source === only && filter(event)
        : (event: RequestEvent) => sources.has(event.source) && filter(event);
  return {
    name: rule.name,
    service: playbook.service.name,
    title: rule.title ?? rule.name,
    severity: ruleSeverity(playbook, rule.name),
    type: rule.incident_type,
    source: rule.source,
    sources,
    groupBy: rule.group_by,
    shadow: rule.shadow,
    quietMs: rule.quiet_period,
    mitigation: rule.mitigation,
    trigger,
    index: indexKeysOf(rule.filter),
    routes,
    matches,
    groupKey: groupKeyOf(rule.group_by, routes),
    ...(learn !== undefined ? { learn } : {}),
  };
}

/** Most recently seen known values a distinct trigger remembers (≈ 100 bytes each). */
export const KNOWN_VALUES_MAX = 100_000;

/**
 * A field's values seen on events that match `filter` (a token answered 2xx): `learn` records them, `unknown`
 * reads the field as null for a known value, so the distinct trigger does not count it. Bounded: a value not seen
 * for a while is forgotten first (key-table.ts), which can only make a value count again, never hide a new one.
 */
export interface KnownValues {
  learn: (event: RequestEvent) => void;
  unknown: (event: RequestEvent) => string | null;
}

function knownValues(field: string, filter: FilterSpec, routes: RouteNames, where: string): KnownValues {
  const get = fieldGetter(field, routes);
  const keep = keeper(field);
  const matches = compileFilter(filter, routes, where);
  const known = new KeyTable<KeyEntry>(KNOWN_VALUES_MAX);
  return {
    learn: (event: RequestEvent): void => {
      if (!matches(event)) return;
      const value = get(event);
      if (value !== null && known.get(value) === undefined) known.add({ key: keep(value), used: false });
    },
    unknown: (event: RequestEvent): string | null => {
      const value = get(event);
      return value === null || known.peek(value) !== undefined ? null : value;
    },
  };
}

/** Every rule of a playbook; the first rule that cannot run stops the load with its name in the error. */
export function compileRules(playbook: Playbook, options: CompileOptions = {}): CompiledRule[] {
  const shared = { ...options, knownValues: options.knownValues ?? new Map<string, KnownValues>() };
  return playbook.detection.rules.map((rule) => compileRule(rule, playbook, shared));
}
