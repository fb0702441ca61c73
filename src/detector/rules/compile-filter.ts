import type { RequestEvent } from '../../domain/request-event.js';
import type { FilterSpec } from '../../playbook/index.js';
import { RampartError } from '../../shared/errors.js';
import { fieldGetter, routeNameOf } from './event-fields.js';
import type { RouteNames } from './event-fields.js';

export type EventFilter = (event: RequestEvent) => boolean;

/** `*` is any run of characters (slashes included); everything else is literal. One anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

const configError = (where: string, message: string) =>
  new RampartError('RAMPART_CONFIG', `${where}: ${message}`, [{ path: where, message }]);

/**
 * Compiles a playbook filter once into one predicate: status ranges, sets for method, route, level and
 * decision, one RegExp for the path glob and one for message_regex, equality on named fields. Conditions run
 * cheapest first; every given condition must hold. `where` names the rule and field in errors.
 */
export function compileFilter(
  filter: FilterSpec | undefined,
  routes: RouteNames,
  where: string,
): EventFilter {
  if (filter === undefined) return () => true;
  const checks: EventFilter[] = [];
  if (filter.status) {
    const ranges = filter.status;
    if (ranges.length === 1) {
      const { from, to } = ranges[0] as { from: number; to: number };
      checks.push((e) => e.status >= from && e.status <= to);
    } else {
      checks.push((e) => ranges.some((r) => e.status >= r.from && e.status <= r.to));
    }
  }
  if (filter.decision) {
    const decisions = new Set<string>(filter.decision);
    checks.push((e) => decisions.has(e.decision));
  }
  if (filter.method) {
    const methods = new Set(filter.method);
    checks.push((e) => methods.has(e.method));
  }
  if (filter.route) {
    const known = new Set(routes.values());
    for (const name of filter.route) {
      if (!known.has(name))
        throw configError(`${where}.route`, `unknown route "${name}" (known: ${[...known].join(', ')})`);
    }
    const names = new Set(filter.route);
    checks.push((e) => {
      const name = routeNameOf(e, routes);
      return name !== null && names.has(name);
    });
  }
  if (filter.level) {
    // Log levels are spelled ERROR, error or Error depending on the library: compare without case.
    const levels = new Set(filter.level.map((l) => l.toLowerCase()));
    checks.push((e) => e.level !== null && levels.has(e.level.toLowerCase()));
  }
  if (filter.path !== undefined) {
    const glob = globToRegExp(filter.path);
    checks.push((e) => glob.test(e.path));
  }
  if (filter.message !== undefined) {
    const needle = filter.message;
    checks.push((e) => e.message !== null && e.message.includes(needle));
  }
  if (filter.message_regex !== undefined) {
    let regex: RegExp;
    try {
      regex = new RegExp(filter.message_regex);
    } catch {
      throw configError(`${where}.message_regex`, 'a regular expression that compiles');
    }
    checks.push((e) => e.message !== null && regex.test(e.message));
  }
  if (filter.fields) {
    for (const [name, expected] of Object.entries(filter.fields)) {
      const get = fieldGetter(name, routes);
      const want = String(expected);
      checks.push((e) => get(e) === want);
    }
  }
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0] as EventFilter;
  if (checks.length === 2) {
    const [a, b] = checks as [EventFilter, EventFilter];
    return (e) => a(e) && b(e);
  }
  return (e) => {
    for (const check of checks) if (!check(e)) return false;
    return true;
  };
}
