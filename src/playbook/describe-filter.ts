import type { ConditionSpec, FilterSpec, ListSpec } from './schema/filter.js';
import type { StatusRange } from './schema/primitives.js';

/** Filters in plain words, for `rampart playbook explain` and anyone who shows a rule. */

export function describeStatus(ranges: readonly StatusRange[]): string {
  return ranges
    .map(({ from, to }) => {
      if (from === to) return String(from);
      if (from % 100 === 0 && to === from + 99) return `${from / 100}xx`;
      if (to === 599) return `>=${from}`;
      if (from === 100) return `<=${to}`;
      return `${from}-${to}`;
    })
    .join(', ');
}

const SHOWN = 3;

function describeList(list: ListSpec, quote: (v: string) => string): string {
  const values = list.inline.map((i) => i.value);
  const files = list.files.map((f) => `list ${f.path}${f.entries ? ` (${f.entries.length})` : ''}`);
  const shown = values.slice(0, SHOWN).map(quote);
  if (values.length > SHOWN) shown.push(`${values.length - SHOWN} more`);
  return [...shown, ...files].join(', ');
}

const OPS: Record<Exclude<ConditionSpec['op'], 'status'>, string> = {
  equals: '',
  contains: 'containing',
  starts_with: 'starting with',
  ends_with: 'ending with',
  regex: 'matching',
  glob: 'like',
  cidr: 'in',
};

function describeCondition(c: ConditionSpec): string {
  if (c.op === 'status') return `status ${describeStatus(c.ranges)}`;
  const single = c.list.files.length === 0 && c.list.inline.length === 1;
  const caseless = c.ignoreCase && c.field !== 'level' ? ' (any case)' : '';
  // The short forms read as they always did.
  if (c.op === 'equals') {
    const plain = describeList(c.list, (v) => v).replaceAll(', ', '/');
    if (c.field === 'route') return `on ${describeList(c.list, (v) => v)}${caseless}`;
    if (c.field === 'decision') return `gateway decision ${plain}${caseless}`;
    if (c.field === 'method' || c.field === 'level') return `${c.field} ${plain}${caseless}`;
    if (single) return `${c.field}=${plain}${caseless}`;
    return `${c.field} one of ${describeList(c.list, (v) => JSON.stringify(v))}${caseless}`;
  }
  if (c.field === 'path' && c.op === 'glob' && single) return `path ${c.list.inline[0]?.value ?? ''}${caseless}`;
  const quote = c.op === 'regex' ? (v: string) => `/${v}/` : (v: string) => JSON.stringify(v);
  const anyOf = single ? '' : 'any of ';
  return `${c.field} ${OPS[c.op]} ${anyOf}${describeList(c.list, quote)}${caseless}`;
}

export function describeFilter(filter: FilterSpec | undefined): string {
  if (!filter) return 'every event';
  const parts = filter.conditions.map(describeCondition);
  if (filter.not) parts.push(`not (${describeFilter(filter.not)})`);
  if (filter.any) parts.push(`any of (${filter.any.map(describeFilter).join(' | ')})`);
  if (filter.all) parts.push(`all of (${filter.all.map(describeFilter).join(' | ')})`);
  return parts.length > 0 ? parts.join(', ') : 'every event';
}
