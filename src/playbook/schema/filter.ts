import { z } from 'zod';
import { DECISIONS } from '../../domain/request-event.js';
import { idSchema, oneOrMany, regexSchema, statusMatcherSchema } from './primitives.js';
import type { StatusRange } from './primitives.js';

/**
 * The filter language of detection rules. A filter is a mapping of conditions that must all hold, plus the
 * groups `not`, `any` and `all`. A condition names a field (any field an event can carry) and a matcher:
 * `equals`, `contains`, `starts_with`, `ends_with`, `regex` or `glob` over a list, inline or from a list file
 * next to the playbook, with `ignore_case`. The older short forms keep their meaning: `status: "5xx"`,
 * `route: [a, b]`, `path: /api/*` (a glob), `message: text` (a substring), `message_regex`, `level` (without
 * case), `decision`, `fields: { name: value }` (equality), and `name: value` for any other field.
 *
 * Parsed, every form becomes one shape (`FilterSpec`): a list of conditions, each with the YAML path it was
 * written at, so later checks (list files, regexes, fields) can point at file:line.
 */

export { DECISIONS };

export const MATCH_OPS = ['equals', 'contains', 'starts_with', 'ends_with', 'regex', 'glob', 'cidr'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

/** One list entry written in the playbook, or a list file to read (one entry per line, `#` comments). */
export interface ListSpec {
  /** `index` is the position in the YAML list, null when the value was written alone. */
  inline: { value: string; index: number | null }[];
  /** `entries` is filled by the loader when it reads the file (path relative to the playbook). */
  files: { path: string; index: number | null; entries?: { value: string; line: number }[] }[];
}

/** A condition on one field; `at` is its path inside the filter, for error messages. */
export type ConditionSpec =
  | { field: 'status'; op: 'status'; ranges: StatusRange[]; at: (string | number)[] }
  | { field: string; op: MatchOp; list: ListSpec; ignoreCase: boolean; at: (string | number)[] };

export interface FilterSpec {
  /** All must hold. */
  conditions: ConditionSpec[];
  not?: FilterSpec;
  any?: FilterSpec[];
  all?: FilterSpec[];
}

type Scalar = string | number | boolean;
type ListInput = Scalar | { file: string } | (Scalar | { file: string })[];
type MatcherInput = { [K in MatchOp]?: ListInput } & { ignore_case?: boolean };

/** What may be written (the JSON Schema and TypeScript's view of a playbook's YAML). */
export interface FilterInput {
  status?: number | string | (number | string)[] | MatcherInput;
  route?: string | string[] | MatcherInput;
  method?: string | string[] | MatcherInput;
  path?: string | MatcherInput;
  message?: string | MatcherInput;
  message_regex?: string;
  level?: string | string[] | MatcherInput;
  decision?: string | string[] | MatcherInput;
  fields?: Record<string, Scalar>;
  not?: FilterInput;
  any?: FilterInput[];
  all?: FilterInput[];
  [field: string]: unknown;
}

const fileRefSchema = z
  .strictObject({ file: z.string().min(1, { message: 'a list file path' }) })
  .meta({ description: 'A list file next to the playbook: one entry per line, blank lines and # comments ignored.' });
const entrySchema = z.union([z.string().min(1, { message: 'a non-empty entry' }), z.number(), z.boolean()]);

function toListSpec(value: Scalar | { file: string } | (Scalar | { file: string })[]): ListSpec {
  const list: ListSpec = { inline: [], files: [] };
  const add = (item: Scalar | { file: string }, index: number | null) => {
    if (typeof item === 'object') list.files.push({ path: item.file, index });
    else list.inline.push({ value: String(item), index });
  };
  if (Array.isArray(value)) value.forEach((item, i) => add(item, i));
  else add(value, null);
  return list;
}

export const listSchema = z
  .union([entrySchema, fileRefSchema, z.array(z.union([entrySchema, fileRefSchema])).min(1)])
  .transform(toListSpec)
  .meta({
    id: 'PlaybookList',
    description: 'One entry, a list of entries, or { file: path } entries read from list files.',
  });

interface ParsedMatcher {
  op: MatchOp;
  list: ListSpec;
  ignoreCase: boolean;
}

export const matcherSchema = z
  .strictObject({
    equals: listSchema.optional(),
    contains: listSchema.optional(),
    starts_with: listSchema.optional(),
    ends_with: listSchema.optional(),
    /** JavaScript regular expressions; a leading `(?i)` makes one case-insensitive. */
    regex: listSchema.optional(),
    /** `*` is any run of characters, everything else literal; the glob covers the whole value. */
    glob: listSchema.optional(),
    /** Addresses or networks ("3.0.0.0/9", "2a01:4f8::/32"): the field (an address) lies in one of them. */
    cidr: listSchema.optional(),
    ignore_case: z.boolean().default(false),
  })
  .transform((m, ctx): ParsedMatcher => {
    const ops = MATCH_OPS.filter((op) => m[op] !== undefined);
    if (ops.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `exactly one of ${MATCH_OPS.join(', ')} (got ${ops.length === 0 ? 'none' : ops.join(' and ')})`,
      });
      return z.NEVER;
    }
    const op = ops[0] as MatchOp;
    return { op, list: m[op] as ListSpec, ignoreCase: m.ignore_case };
  })
  .meta({
    id: 'PlaybookMatcher',
    description:
      'One of equals, contains, starts_with, ends_with, regex, glob, cidr over a list (inline or { file }), optionally ignore_case.',
  });

/** Any other field: a value or list (equality) or a matcher. */
const conditionSchema = z.union([
  z.union([entrySchema, z.array(entrySchema).min(1)]).transform((v) => toListSpec(v)),
  matcherSchema,
]);

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const GROUPS = new Set(['not', 'any', 'all']);

const isMatcher = (value: unknown): value is ParsedMatcher =>
  typeof value === 'object' && value !== null && 'op' in value && 'list' in value;
const plain = (values: readonly string[]): ListSpec => ({
  inline: values.map((value, i) => ({ value, index: values.length === 1 ? null : i })),
  files: [],
});

/** Every written form → one list of conditions (see FilterSpec). */
function normalize(raw: Record<string, unknown>, ctx: z.RefinementCtx): FilterSpec {
  const conditions: ConditionSpec[] = [];
  const match = (field: string, at: (string | number)[], m: ParsedMatcher) =>
    conditions.push({ field, op: m.op, list: m.list, ignoreCase: m.ignoreCase, at: [...at, m.op] });
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || GROUPS.has(key)) continue;
    if (!FIELD_NAME.test(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'a field name of letters, digits, "_", "." or "-"' });
      continue;
    }
    if (isMatcher(value)) {
      match(key === 'message_regex' ? 'message' : key, [key], value);
      continue;
    }
    switch (key) {
      case 'status':
        conditions.push({ field: 'status', op: 'status', ranges: value as StatusRange[], at: [key] });
        break;
      case 'path':
        conditions.push({ field: 'path', op: 'glob', list: plain([value as string]), ignoreCase: false, at: [key] });
        break;
      case 'message':
        conditions.push({ field: 'message', op: 'contains', list: plain([value as string]), ignoreCase: false, at: [key] });
        break;
      case 'message_regex':
        conditions.push({ field: 'message', op: 'regex', list: plain([value as string]), ignoreCase: false, at: [key] });
        break;
      case 'level':
        // Log levels are spelled ERROR, error or Error depending on the library.
        conditions.push({ field: 'level', op: 'equals', list: plain(value as string[]), ignoreCase: true, at: [key] });
        break;
      case 'route':
      case 'method':
      case 'decision':
        conditions.push({ field: key, op: 'equals', list: plain(value as string[]), ignoreCase: false, at: [key] });
        break;
      case 'fields':
        for (const [name, expected] of Object.entries(value as Record<string, Scalar>))
          conditions.push({ field: name, op: 'equals', list: plain([String(expected)]), ignoreCase: false, at: [key, name] });
        break;
      default:
        conditions.push({ field: key, op: 'equals', list: value as ListSpec, ignoreCase: false, at: [key] });
    }
  }
  const spec: FilterSpec = { conditions };
  if (raw.not !== undefined) spec.not = raw.not as FilterSpec;
  if (raw.any !== undefined) spec.any = raw.any as FilterSpec[];
  if (raw.all !== undefined) spec.all = raw.all as FilterSpec[];
  return spec;
}

const orMatcher = <T extends z.ZodType>(short: T) => z.union([short, matcherSchema]);

const filterObject = z
  .object({
    status: orMatcher(statusMatcherSchema).optional(),
    route: orMatcher(oneOrMany(idSchema)).optional(),
    method: orMatcher(oneOrMany(z.string().regex(/^[A-Z]+$/, { message: 'an HTTP method in capitals' }))).optional(),
    /** Glob over the request path: `*` is any run of characters. */
    path: orMatcher(z.string().startsWith('/', { message: 'a path glob starting with /' })).optional(),
    /** Substring of the log message (case-sensitive). */
    message: orMatcher(z.string().min(1)).optional(),
    /** Regular expression over the log message. */
    message_regex: regexSchema.optional(),
    level: orMatcher(oneOrMany(z.string())).optional(),
    decision: orMatcher(oneOrMany(z.enum(DECISIONS))).optional(),
    /** Named fields, each equal to its value. */
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    get not() {
      return filterSchema.optional();
    },
    get any() {
      return z.array(filterSchema).min(1).optional();
    },
    get all() {
      return z.array(filterSchema).min(1).optional();
    },
  })
  .catchall(conditionSchema);

export const filterSchema: z.ZodType<FilterSpec, FilterInput> = filterObject
  .transform((raw, ctx) => normalize(raw as Record<string, unknown>, ctx))
  .meta({
    id: 'PlaybookFilter',
    description:
      'Which events a rule looks at; every condition must hold. A key is a field (status, route, method, path, query, user_agent, referer, host, message, level, decision, or a named field) with a value, a list or a matcher; not, any and all group filters.',
  }) as unknown as z.ZodType<FilterSpec, FilterInput>;

/** The filter every event passes. */
export const EMPTY_FILTER: FilterSpec = { conditions: [] };
