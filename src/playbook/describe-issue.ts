import type { z } from 'zod';
import { knownKeys } from './known-keys.js';

/** Turns a zod issue into the "expected …, got …" halves of an error line. */
export interface ExpectedGot {
  expected: string;
  got: string;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (empty)';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Zod's own messages start like this; ours are written as what was expected. */
const isDefaultMessage = (message: string): boolean =>
  /^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(message);

function expectedOf(issue: z.core.$ZodIssue): string {
  if (!isDefaultMessage(issue.message) && issue.code !== 'invalid_union') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options))
        return `one of ${(issue.options as unknown[]).map((o) => String(o)).join(', ')}`;
      const branches = new Set<string>();
      for (const branch of issue.errors) {
        const first = branch[0];
        if (first) branches.add(expectedOf(first));
      }
      return branches.size > 0 ? [...branches].join(' or ') : 'a value matching the schema';
    }
    default:
      if (!isDefaultMessage(issue.message)) return issue.message;
  }
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'array') return `a list of at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return `at least ${String(issue.minimum)} character(s)`;
      return `a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `a list of at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === 'string') return `at most ${String(issue.maximum)} character(s)`;
      return `a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return `a ${issue.format}`;
    default:
      return issue.message;
  }
}

/**
 * A union error ("a number or a list") is unhelpful when the input clearly picked a branch — a list with one
 * bad item. When exactly one branch got past its type check, its own issues are the real ones.
 */
export function expandUnions(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || ('options' in issue && Array.isArray(issue.options))) return [issue];
  const typed = issue.errors.filter((branch) => !isTypeMismatch(branch));
  const [only] = typed;
  if (typed.length !== 1 || !only || only.length === 0) return [issue];
  return only.flatMap((inner) => expandUnions({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** The branch failed on the input's type itself (not on something inside it). */
function isTypeMismatch(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' || (i.code === 'invalid_union' && i.errors.every((b) => isTypeMismatch(b)))),
  );
}

export function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  schema: z.ZodType,
): ExpectedGot & { path: PropertyKey[] } {
  if (issue.code === 'unrecognized_keys') {
    // Reported once per key by the caller; this is the description of the first.
    const key = issue.keys[0] ?? '';
    return { path: [...issue.path, key], ...unknownKey(key, issue.path, root, schema) };
  }
  return {
    path: [...issue.path],
    expected: expectedOf(issue),
    got: describeValue(valueAt(root, issue.path)),
  };
}

export function unknownKey(
  key: string,
  parent: readonly PropertyKey[],
  root: unknown,
  schema: z.ZodType,
): ExpectedGot {
  const keys = knownKeys(schema, parent, root);
  const near = keys.find((k) => closeEnough(k, key));
  const hint =
    near !== undefined
      ? `did you mean "${near}"?`
      : keys.length > 0
        ? `one of ${keys.join(', ')}`
        : 'no extra keys';
  return { expected: `a known key (${hint})`, got: `unknown key "${key}"` };
}

/** Edit distance at most 2, for "did you mean". */
export function closeEnough(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return (prev[b.length] ?? 99) <= 2;
}
