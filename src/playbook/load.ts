import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { checkRules, type ReadList } from './check-rules.js';
import { unenforcedAutomaticMitigations } from './enforcement-points.js';
import { crossCheck } from './cross-check.js';
import { describeIssue, describeValue, expandUnions, unknownKey } from './describe-issue.js';
import { formatPath, locate } from './locate.js';
import { playbookSchema, type Playbook } from './schema.js';

export interface PlaybookError {
  file: string;
  /** 1-based; 0 when the file could not be read at all. */
  line: number;
  column: number;
  /** Dotted path inside the document, e.g. `detection.rules[0].severity`; "(yaml)" for syntax errors. */
  path: string;
  expected: string;
  got: string;
  message: string;
}

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

/** `file:line path: expected …, got …` — one line, the form editors and CI logs link to. */
export function formatPlaybookError(e: PlaybookError): string {
  return `${e.file}:${e.line} ${e.path || '(root)'}: expected ${e.expected}, got ${e.got}`;
}

function makeError(
  file: string,
  line: number,
  column: number,
  path: string,
  expected: string,
  got: string,
): PlaybookError {
  const error = { file, line, column, path, expected, got, message: '' };
  error.message = formatPlaybookError(error);
  return error;
}

export interface ParseOptions {
  /** Log source paths are relative to this folder (where `rampart up` runs); default the current one. */
  cwd?: string;
  /** Reads a list file a filter names; default: the file, relative to the playbook's folder. */
  readList?: ReadList;
}

/** List files sit next to the playbook; a list is read once, at load. */
const readListBeside =
  (file: string): ReadList =>
  (path) =>
    readFileSync(resolve(dirname(file), path), 'utf8');

/**
 * Parses one playbook and reports every problem at once: YAML syntax, shape, cross-references, then what needs
 * the parsed rules (list files, regexes, fields their sources can produce).
 */
export function parsePlaybook(text: string, file: string, options: ParseOptions = {}): PlaybookLoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((err) => {
      const pos = lines.linePos(err.pos[0]);
      const got = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? err.code;
      return makeError(file, pos.line, pos.col, '(yaml)', 'valid YAML', got);
    });
    return { ok: false, file, errors };
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return {
      ok: false,
      file,
      errors: [makeError(file, 1, 1, '(yaml)', 'a document without alias bombs', String(err))],
    };
  }

  const errors: PlaybookError[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PropertyKey[], expected: string, got: string): void => {
    const key = `${formatPath(path)}|${expected}`;
    if (seen.has(key)) return;
    seen.add(key);
    const pos = locate(
      doc,
      lines,
      path.filter((p): p is string | number => typeof p !== 'symbol'),
    );
    errors.push(makeError(file, pos.line, pos.column, formatPath(path), expected, got));
  };

  const parsed = playbookSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap(expandUnions)) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const { expected, got } = unknownKey(key, issue.path, raw, playbookSchema);
          add([...issue.path, key], expected, got);
        }
        continue;
      }
      const { path, expected, got } = describeIssue(issue, raw, playbookSchema);
      add(path, expected, got);
    }
  }
  for (const issue of crossCheck(raw)) add(issue.path, issue.expected, issue.got);
  if (parsed.success)
    for (const issue of checkRules(parsed.data, options.readList ?? readListBeside(file)))
      add(issue.path, issue.expected, issue.got);

  if (errors.length > 0 || !parsed.success) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, file, errors };
  }
  const warnings = missingLogFiles(parsed.data, options.cwd ?? process.cwd()).map(({ index, path }) => {
    const where = ['detection', 'sources', index, 'path'] as const;
    return {
      file,
      line: locate(doc, lines, where).line,
      path: formatPath(where),
      message: `${path} does not exist (yet); Rampart will wait for it and report the source as missing`,
    };
  });
  // An automatic mitigation that neither the gateway, nor bouncers, nor a hook would enforce.
  for (const w of unenforcedAutomaticMitigations(parsed.data))
    warnings.push({
      file,
      line: locate(doc, lines, w.path).line,
      path: formatPath(w.path),
      message: w.message,
    });
  return { ok: true, file, playbook: parsed.data, warnings };
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
