import { cidrProblem } from '../detector/rules/matchers/cidr-matcher.js';
import { fieldsOf } from '../detector/sources/parsers/fields-of.js';
import { closeEnough } from './describe-issue.js';
import { regexHazard } from './regex-hazard.js';
import { eventSources, eventSourcesOfRule, sourceLabel, sourcesReadBy } from './rule-sources.js';
import type { Playbook, RuleSpec } from './schema.js';
import type { ConditionSpec, FilterSpec, ListSpec } from './schema/filter.js';

/**
 * Checks of a parsed playbook that need more than its shape: list files are read (their entries land in the
 * playbook), regexes are checked for catastrophic backtracking, and every field a rule filters, groups or
 * counts must be one its sources can produce. Each issue has the path of the YAML node to point at.
 */
export interface RuleIssue {
  path: (string | number)[];
  expected: string;
  got: string;
}

/** Reads a list file named in the playbook (relative to it); throws with the reason when it cannot. */
export type ReadList = (path: string) => string;

type Path = (string | number)[];

/** Built-in fields every rule may name whatever its sources (fieldGetter aliases and the event's own). */
const FIELD_PREFIX = 'fields.';

/** `readListFor` gives each rule its reader: a pack's list files sit next to the pack. */
export function checkRules(playbook: Playbook, readListFor: (rule: RuleSpec) => ReadList): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const pathTokens = playbook.service.tokens.some((t) => t.in === 'path' || t.in === 'query');
  playbook.detection.rules.forEach((rule, i) => {
    const base: Path = ['detection', 'rules', i];
    const read = eventSourcesOfRule(rule, playbook);
    if (read !== undefined && read.size === 0) {
      const names = eventSources(playbook).map((s) => s.name ?? (s.kind === 'log' ? s.path : s.kind));
      issues.push({
        path: [...base, 'source'],
        expected: `a source whose events rules read: gateway or a log source (${['gateway', ...names.filter((n) => n !== 'gateway')].join(', ')}); alerts go to the desk directly`,
        got: `"${rule.source ?? ''}"`,
      });
      return;
    }
    const uses: { field: string; path: Path }[] = [];
    const readList = readListFor(rule);
    const visit = (filter: FilterSpec | undefined, at: Path) => {
      if (filter === undefined) return;
      for (const condition of filter.conditions) {
        const path = [...at, ...condition.at];
        uses.push({ field: condition.field, path });
        if (condition.op !== 'status') {
          readFiles(condition, path, readList, issues);
          if (condition.op === 'regex') checkEntries(condition.list, path, issues, regexHazard);
          if (condition.op === 'cidr') checkEntries(condition.list, path, issues, cidrProblem);
        }
      }
      visit(filter.not, [...at, 'not']);
      filter.any?.forEach((f, j) => visit(f, [...at, 'any', j]));
      filter.all?.forEach((f, j) => visit(f, [...at, 'all', j]));
    };
    visit(rule.filter, [...base, 'filter']);
    if (rule.trigger.type === 'ratio') visit(rule.trigger.errors, [...base, 'trigger', 'errors']);
    if (rule.trigger.type === 'distinct') visit(rule.trigger.ignore_known, [...base, 'trigger', 'ignore_known']);
    rule.group_by.forEach((field, j) => uses.push({ field, path: [...base, 'group_by', j] }));
    if (rule.trigger.type === 'distinct') uses.push({ field: rule.trigger.field, path: [...base, 'trigger', 'field'] });
    issues.push(...checkFields(rule, playbook, uses, pathTokens));
  });
  return issues;
}

/** One entry per line; blank lines and lines starting with # are skipped; surrounding spaces are trimmed. */
export function parseListFile(text: string): { value: string; line: number }[] {
  const entries: { value: string; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const value = raw.trim();
    if (value !== '' && !value.startsWith('#')) entries.push({ value, line: i + 1 });
  });
  return entries;
}

function readFiles(condition: Extract<ConditionSpec, { list: ListSpec }>, at: Path, readList: ReadList, issues: RuleIssue[]) {
  for (const file of condition.list.files) {
    const path = file.index === null ? at : [...at, file.index];
    try {
      file.entries = parseListFile(readList(file.path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      issues.push({ path: [...path, 'file'], expected: 'a readable list file (next to the playbook)', got: `${file.path}: ${code}` });
      continue;
    }
    if (file.entries.length === 0)
      issues.push({ path: [...path, 'file'], expected: 'a list file with at least one entry', got: `${file.path}: no entries` });
  }
}

/** Each entry of a list checked by `problem` (a regex's hazard, a network that does not parse). */
function checkEntries(list: ListSpec, at: Path, issues: RuleIssue[], problem: (entry: string) => string | null) {
  for (const item of list.inline) {
    const hazard = problem(item.value);
    if (hazard !== null)
      issues.push({ path: item.index === null ? at : [...at, item.index], expected: hazard, got: JSON.stringify(item.value) });
  }
  for (const file of list.files) {
    for (const entry of file.entries ?? []) {
      const hazard = problem(entry.value);
      if (hazard !== null)
        issues.push({
          path: file.index === null ? [...at, 'file'] : [...at, file.index, 'file'],
          expected: hazard,
          got: `${file.path}:${entry.line} ${JSON.stringify(entry.value)}`,
        });
    }
  }
}

const SHOWN_FIELDS = 40;

function checkFields(
  rule: RuleSpec,
  playbook: Playbook,
  uses: readonly { field: string; path: Path }[],
  pathTokens: boolean,
): RuleIssue[] {
  if (uses.length === 0) return [];
  const sources = sourcesReadBy(rule, playbook);
  const offered = new Set<string>();
  for (const source of sources) for (const field of fieldsOf(source, { pathTokens })) offered.add(field);
  const issues: RuleIssue[] = [];
  for (const { field, path } of uses) {
    const name = field.startsWith(FIELD_PREFIX) ? field.slice(FIELD_PREFIX.length) : field;
    if (offered.has(name)) continue;
    const list = [...offered].sort();
    const shown = list.length > SHOWN_FIELDS ? [...list.slice(0, SHOWN_FIELDS), '…'] : list;
    const near = list.find((f) => closeEnough(f, name));
    const from = sources.length === 0 ? 'no source' : sources.map(sourceLabel).join(', ');
    issues.push({
      path,
      expected: `a field that ${from} can produce (${shown.join(', ')})${near !== undefined ? `; did you mean "${near}"?` : ''}; a log source lists further fields in extra_fields`,
      got: `"${field}" in rule ${rule.name}`,
    });
  }
  return issues;
}
