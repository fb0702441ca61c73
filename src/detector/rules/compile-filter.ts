import type { RequestEvent } from '../../domain/request-event.js';
import type { ConditionSpec, FilterSpec, ListSpec } from '../../playbook/index.js';
import { RampartError } from '../../shared/errors.js';
import { fieldGetter } from './event-fields.js';
import type { RouteNames } from './event-fields.js';
import { compileCidrMatcher } from './matchers/cidr-matcher.js';
import { memoMatcher } from './matchers/memo-matcher.js';
import { compileTextMatcher, globSource } from './matchers/text-matcher.js';

export type EventFilter = (event: RequestEvent) => boolean;

/** `*` is any run of characters (slashes included); everything else is literal. One anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob)}$`);
}

const configError = (where: string, message: string) =>
  new RampartError('RAMPART_CONFIG', `${where}: ${message}`, [{ path: where, message }]);

/** Every entry of a list: inline ones, then each list file's (read by the playbook loader). */
export function listValues(list: ListSpec, where: string): string[] {
  const values = list.inline.map((item) => item.value);
  for (const file of list.files) {
    if (file.entries === undefined)
      throw configError(where, `list file ${file.path} was not read (load the playbook with loadPlaybook)`);
    for (const entry of file.entries) values.push(entry.value);
  }
  return values;
}

/** Fields whose values repeat across events (a few hundred strings a day), worth a memo of their matches. */
const REPEATING_FIELDS: ReadonlySet<string> = new Set(['user_agent', 'referer', 'protocol']);

/** Cheapest first, so an event is refused by a number compare before any regex runs. */
const COST: Record<ConditionSpec['op'], number> = {
  status: 0,
  equals: 1,
  starts_with: 2,
  ends_with: 2,
  glob: 3,
  contains: 4,
  regex: 5,
  cidr: 4,
};

interface Check {
  cost: number;
  test: EventFilter;
}

/**
 * Compiles a playbook filter once into one predicate: each condition becomes a field getter and one matcher
 * for its whole list; conditions run cheapest first, then the `not`, `any` and `all` groups. `where` names the
 * rule and field in errors.
 */
export function compileFilter(
  filter: FilterSpec | undefined,
  routes: RouteNames,
  where: string,
): EventFilter {
  if (filter === undefined) return () => true;
  const checks: Check[] = filter.conditions.map((condition) => ({
    cost: COST[condition.op],
    test: compileCondition(condition, routes, `${where}.${condition.at.join('.')}`),
  }));
  checks.sort((a, b) => a.cost - b.cost);
  if (filter.not !== undefined) {
    const inner = compileFilter(filter.not, routes, `${where}.not`);
    checks.push({ cost: 9, test: (e) => !inner(e) });
  }
  if (filter.any !== undefined) {
    const members = filter.any.map((f, i) => compileFilter(f, routes, `${where}.any[${i}]`));
    checks.push({ cost: 9, test: (e) => members.some((m) => m(e)) });
  }
  if (filter.all !== undefined) {
    const members = filter.all.map((f, i) => compileFilter(f, routes, `${where}.all[${i}]`));
    checks.push({ cost: 9, test: (e) => members.every((m) => m(e)) });
  }
  return allOf(checks.map((c) => c.test));
}

function allOf(tests: EventFilter[]): EventFilter {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as EventFilter;
  if (tests.length === 2) {
    const [a, b] = tests as [EventFilter, EventFilter];
    return (e) => a(e) && b(e);
  }
  return (e) => {
    for (const test of tests) if (!test(e)) return false;
    return true;
  };
}

function compileCondition(condition: ConditionSpec, routes: RouteNames, where: string): EventFilter {
  if (condition.op === 'status') {
    const ranges = condition.ranges;
    if (ranges.length === 1) {
      const { from, to } = ranges[0] as { from: number; to: number };
      return (e) => e.status >= from && e.status <= to;
    }
    return (e) => ranges.some((r) => e.status >= r.from && e.status <= r.to);
  }
  const values = listValues(condition.list, where);
  if (condition.field === 'route' && condition.op === 'equals' && !condition.ignoreCase) {
    const known = new Set(routes.values());
    for (const name of values)
      if (!known.has(name)) throw configError(where, `unknown route "${name}" (known: ${[...known].join(', ')})`);
  }
  const get = fieldGetter(condition.field, routes);
  if (condition.op === 'cidr') {
    const inside = compileCidrMatcher(values, where);
    return (e) => {
      const value = get(e);
      return value !== null && inside(value);
    };
  }
  const compiled = compileTextMatcher(condition.op, values, condition.ignoreCase, where);
  // A user agent repeats across requests: a list matcher over it (bad bots, scanners) runs once per string.
  const match = REPEATING_FIELDS.has(condition.field) && condition.op !== 'equals' ? memoMatcher(compiled) : compiled;
  return (e) => {
    const value = get(e);
    return value !== null && match(value);
  };
}
