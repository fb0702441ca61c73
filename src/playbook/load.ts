import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { checkRules, type ReadList, type RuleIssue } from './check-rules.js';
import { crossCheck } from './cross-check.js';
import { describeValue } from './describe-issue.js';
import { formatPath, locate } from './locate.js';
import { includePacks, type ReadPack } from './packs/include-packs.js';
import { playbookSchema, type Playbook, type RuleSpec } from './schema.js';
import { IssueSink, formatPlaybookError, makeError, readYaml, type PlaybookError } from './yaml-issues.js';

export { formatPlaybookError, type PlaybookError };

/** Something valid but probably wrong (a log file that does not exist): said, never fatal. */
export interface PlaybookWarning {
  file: string;
  line: number;
  path: string;
  message: string;
}

export type PlaybookLoadResult =
  | { ok: true; playbook: Playbook; file: string; warnings: PlaybookWarning[] }
  | { ok: false; errors: PlaybookError[]; file: string };

export function formatPlaybookWarning(w: PlaybookWarning): string {
  return `${w.file}:${w.line} ${w.path}: warning: ${w.message}`;
}

export interface ParseOptions {
  /** Log source paths are relative to this folder (where `rampart up` runs); default the current one. */
  cwd?: string;
  /** Reads a list file a filter names; default: the file, relative to the playbook's folder (or the pack's). */
  readList?: ReadList;
  /** Reads an included pack's rules file; default: from disk. */
  readPack?: ReadPack;
}

/** List files sit next to the playbook (a pack's next to the pack); a list is read once, at load. */
const readListBeside =
  (file: string): ReadList =>
  (path) =>
    readFileSync(resolve(dirname(file), path), 'utf8');

/**
 * Parses one playbook and reports every problem at once: YAML syntax, shape, cross-references, included rule
 * packs, then what needs the parsed rules (list files, regexes, fields their sources can produce). A problem
 * in a pack's rule points into the pack file.
 */
export function parsePlaybook(text: string, file: string, options: ParseOptions = {}): PlaybookLoadResult {
  const read = readYaml(text, file);
  if (!read.ok) return { ok: false, file, errors: read.errors };
  const { raw } = read.yaml;
  const errors: PlaybookError[] = [];
  const sink = new IssueSink(read.yaml, errors);

  const parsed = playbookSchema.safeParse(raw);
  if (!parsed.success) sink.addSchemaIssues(parsed.error, playbookSchema);
  for (const issue of crossCheck(raw)) sink.add(issue.path, issue.expected, issue.got);
  if (parsed.success) {
    const playbook = parsed.data;
    const own = playbook.detection.rules.length;
    const included = includePacks(playbook, sink, errors, options.readPack);
    const readList = (rule: RuleSpec): ReadList =>
      options.readList ?? readListBeside(rule.pack?.file ?? file);
    for (const issue of checkRules(playbook, readList)) {
      const ref = packRuleOf(issue, playbook, own, included.rules);
      if (ref === undefined) sink.add(issue.path, issue.expected, issue.got);
      else ref.sink.add(['rules', ref.index, ...issue.path.slice(3)], issue.expected, issue.got);
    }
  }

  if (errors.length > 0 || !parsed.success) {
    errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    return { ok: false, file, errors };
  }
  const warnings = missingLogFiles(parsed.data, options.cwd ?? process.cwd()).map(({ index, path }) => {
    const where = ['detection', 'sources', index, 'path'] as const;
    return {
      file,
      line: sink.lineOf([...where]),
      path: formatPath(where),
      message: `${path} does not exist (yet); Rampart will wait for it and report the source as missing`,
    };
  });
  return { ok: true, file, playbook: parsed.data, warnings };
}

/** The pack rule an issue at detection.rules[i] is about, when a pack brought that rule. */
function packRuleOf(
  issue: RuleIssue,
  playbook: Playbook,
  own: number,
  packRules: ReadonlyMap<RuleSpec, { sink: IssueSink; index: number }>,
): { sink: IssueSink; index: number } | undefined {
  const [section, list, index] = issue.path;
  if (section !== 'detection' || list !== 'rules' || typeof index !== 'number' || index < own) return undefined;
  const rule = playbook.detection.rules[index];
  return rule === undefined ? undefined : packRules.get(rule);
}

/** Log sources whose file is not there: a misspelled path would otherwise go unnoticed. */
function missingLogFiles(playbook: Playbook, cwd: string): { index: number; path: string }[] {
  const missing: { index: number; path: string }[] = [];
  playbook.detection.sources.forEach((source, index) => {
    if (source.kind === 'log' && !existsSync(resolve(cwd, source.path)))
      missing.push({ index, path: source.path });
  });
  return missing;
}

/**
 * An error found after parsing (by a compiler that runs at start-up) at a path of the file: the file is read
 * again to find the line, so the error reads like every other playbook error.
 */
export function playbookErrorAt(
  file: string,
  path: (string | number)[],
  expected: string,
  got: string,
): PlaybookError {
  let pos = { line: 1, column: 1 };
  try {
    const lines = new LineCounter();
    pos = locate(parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines }), lines, path);
  } catch {
    // Unreadable now: line 1 still names the file.
  }
  return makeError(file, pos.line, pos.column, formatPath(path), expected, got);
}

export async function loadPlaybook(file: string, options: ParseOptions = {}): Promise<PlaybookLoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, file, errors: [makeError(file, 0, 0, '(file)', 'a readable playbook file', code)] };
  }
  return parsePlaybook(text, file, options);
}

/**
 * Every *.yaml / *.yml in a folder, sorted by name, one result per file. Two files protecting the same
 * service is an error on the later one, since `--service` must pick exactly one playbook.
 */
export async function loadPlaybookDir(dir: string): Promise<PlaybookLoadResult[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const results: PlaybookLoadResult[] = [];
  const owners = new Map<string, string>();
  for (const name of names) {
    const file = join(dir, name);
    const result = await loadPlaybook(file);
    if (result.ok) {
      const service = result.playbook.service.name;
      const first = owners.get(service);
      if (first !== undefined) {
        const text = await readFile(file, 'utf8');
        const line = lineOf(text, ['service', 'name']);
        results.push({
          ok: false,
          file,
          errors: [
            makeError(
              file,
              line.line,
              line.column,
              'service.name',
              `a service name not used by another playbook (${first} has it)`,
              describeValue(service),
            ),
          ],
        });
        continue;
      }
      owners.set(service, file);
    }
    results.push(result);
  }
  return results;
}

function lineOf(text: string, path: string[]): { line: number; column: number } {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines });
  return locate(doc, lines, path);
}
