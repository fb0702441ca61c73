import type { FilterSpec } from '../../playbook/index.js';
import { listValues } from './compile-filter.js';

/**
 * What a rule's filter requires of every event it can match, read off its top-level conditions (those that must
 * all hold): the route names, status classes, decisions and methods it accepts, and literal prefixes its path
 * must start with. The engine's rule index uses these to offer an event only to the rules that can match it;
 * each is a necessary condition only, so the rule's own filter still decides.
 */
export interface IndexKeys {
  routes?: ReadonlySet<string>;
  /** Hundreds digit of the status, 0 for an event without a status. */
  statusClasses?: ReadonlySet<number>;
  decisions?: ReadonlySet<string>;
  methods?: ReadonlySet<string>;
  /** Case-sensitive; never empty strings. */
  pathPrefixes?: readonly string[];
}

export function indexKeysOf(filter: FilterSpec | undefined): IndexKeys {
  const keys: {
    routes?: Set<string>;
    statusClasses?: Set<number>;
    decisions?: Set<string>;
    methods?: Set<string>;
    pathPrefixes?: string[];
  } = {};
  for (const condition of filter?.conditions ?? []) {
    if (condition.op === 'status') {
      if (keys.statusClasses !== undefined) continue;
      const classes = new Set<number>();
      for (const { from, to } of condition.ranges)
        for (let c = Math.floor(from / 100); c <= Math.floor(to / 100); c++) classes.add(c);
      keys.statusClasses = classes;
      continue;
    }
    if (condition.ignoreCase) continue;
    const values = listValues(condition.list, condition.field);
    if (condition.op === 'equals') {
      if (condition.field === 'route') keys.routes ??= new Set(values);
      else if (condition.field === 'decision') keys.decisions ??= new Set(values);
      else if (condition.field === 'method') keys.methods ??= new Set(values);
    }
    if (condition.field === 'path' && keys.pathPrefixes === undefined) {
      const prefixes = pathPrefixes(condition.op, values);
      if (prefixes !== undefined) keys.pathPrefixes = prefixes;
    }
  }
  return keys;
}

/** The literal start of every entry, or undefined when some entry can match a path with any start. */
function pathPrefixes(op: string, values: readonly string[]): string[] | undefined {
  let prefixes: string[];
  if (op === 'equals' || op === 'starts_with') prefixes = [...values];
  else if (op === 'glob') prefixes = values.map((glob) => glob.split('*', 1)[0] ?? '');
  else return undefined;
  return prefixes.every((p) => p !== '') ? prefixes : undefined;
}
