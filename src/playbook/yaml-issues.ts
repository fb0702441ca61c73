import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { describeIssue, expandUnions, unknownKey } from './describe-issue.js';
import { formatPath, locate } from './locate.js';

/**
 * Reading a YAML file Rampart validates (a playbook, a rule pack) and turning every problem into one
 * `file:line path: expected …, got …` error. Shared so that a pack's errors point into the pack file the same
 * way a playbook's point into the playbook.
 */
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

/** `file:line path: expected …, got …` — one line, the form editors and CI logs link to. */
export function formatPlaybookError(e: PlaybookError): string {
  return `${e.file}:${e.line} ${e.path || '(root)'}: expected ${e.expected}, got ${e.got}`;
}

export function makeError(
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

export interface YamlFile {
  file: string;
  doc: Document;
  lines: LineCounter;
  raw: unknown;
}

/** Parses YAML text; syntax errors (and alias bombs) come back as errors with their line. */
export function readYaml(text: string, file: string): { ok: true; yaml: YamlFile } | { ok: false; errors: PlaybookError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((err) => {
      const pos = lines.linePos(err.pos[0]);
      const got = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? err.code;
      return makeError(file, pos.line, pos.col, '(yaml)', 'valid YAML', got);
    });
    return { ok: false, errors };
  }
  try {
    return { ok: true, yaml: { file, doc, lines, raw: doc.toJS({ maxAliasCount: 1000 }) } };
  } catch (err) {
    return { ok: false, errors: [makeError(file, 1, 1, '(yaml)', 'a document without alias bombs', String(err))] };
  }
}

/** Collects errors against one YAML file, each once, located at the node its path names. */
export class IssueSink {
  private readonly seen = new Set<string>();

  constructor(
    readonly yaml: YamlFile,
    private readonly errors: PlaybookError[],
  ) {}

  get file(): string {
    return this.yaml.file;
  }

  add(path: readonly PropertyKey[], expected: string, got: string): void {
    const key = `${formatPath(path)}|${expected}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const pos = locate(
      this.yaml.doc,
      this.yaml.lines,
      path.filter((p): p is string | number => typeof p !== 'symbol'),
    );
    this.errors.push(makeError(this.yaml.file, pos.line, pos.column, formatPath(path), expected, got));
  }

  /** The line a path points at (a rule's first line, for explain). */
  lineOf(path: readonly (string | number)[]): number {
    return locate(this.yaml.doc, this.yaml.lines, path).line;
  }

  /** Every issue of a failed schema parse; unknown keys name the keys that fit (or the near one). */
  addSchemaIssues(error: z.ZodError, schema: z.ZodType): void {
    for (const issue of error.issues.flatMap(expandUnions)) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const { expected, got } = unknownKey(key, issue.path, this.yaml.raw, schema);
          this.add([...issue.path, key], expected, got);
        }
        continue;
      }
      const { path, expected, got } = describeIssue(issue, this.yaml.raw, schema);
      this.add(path, expected, got);
    }
  }
}
