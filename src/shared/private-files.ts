import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rampart's state on disk (the SQLite database with incidents, the audit log and key hashes; the token key; the
 * first admin key) is for the user who runs it alone: the folder 0700, every file in it 0600, whatever the umask
 * or an earlier version left behind. Each function returns what it tightened, so the caller can say so in its log.
 */
export interface Tightened {
  path: string;
  from: string;
  to: string;
}

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

function tighten(path: string, mode: number): Tightened | undefined {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return undefined;
  chmodSync(path, mode);
  return { path, from: octal(current), to: octal(mode) };
}

/** Creates `dir` (and its parents) 0700 if missing; an existing one looser than 0700 is tightened. */
export function privateDir(dir: string): Tightened[] {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask; say it once more, exactly.
    chmodSync(dir, 0o700);
    return [];
  }
  const changed = tighten(dir, 0o700);
  return changed ? [changed] : [];
}

/** Makes every regular file directly in `dir` 0600. */
export function privateFilesIn(dir: string): Tightened[] {
  const out: Tightened[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const changed = tighten(join(dir, entry.name), 0o600);
    if (changed) out.push(changed);
  }
  return out;
}

/**
 * A SQLite database file before SQLite opens it: created empty with 0600 when missing (SQLite gives its -wal,
 * -shm and -journal files the database file's mode), and the file and any sidecar left looser are tightened.
 */
export function privateDatabaseFile(path: string): Tightened[] {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  const out: Tightened[] = [];
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (!existsSync(file)) continue;
    const changed = tighten(file, 0o600);
    if (changed) out.push(changed);
  }
  return out;
}
