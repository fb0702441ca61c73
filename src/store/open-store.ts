import { isAbsolute, join, resolve } from 'node:path';
import { RampartError } from '../shared/errors.js';
import type { Store } from './ports.js';
import { openPostgres } from './postgres/open-postgres.js';
import { redactUrl } from './postgres/postgres-url.js';
import { SQLITE_MEMORY, openSqlite } from './sqlite/open-sqlite.js';

/** Where the store lives when DATABASE_URL is not set, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = join('.rampart', 'rampart.db');

export interface OpenStoreOptions {
  /** Relative SQLite paths (and the default file) resolve against this directory. */
  cwd: string;
}

/**
 * Opens the store named by DATABASE_URL and brings its schema up to date:
 * - unset or empty: the SQLite file `.rampart/rampart.db` under `cwd` (the folder is created);
 * - `sqlite:PATH` (relative to `cwd`, or absolute; `sqlite::memory:` for a private in-memory database);
 * - `postgres://…` or `postgresql://…`, with an optional `schema=NAME` query parameter.
 */
export async function openStore(databaseUrl: string | undefined, options: OpenStoreOptions): Promise<Store> {
  const url = databaseUrl?.trim() ?? '';
  if (url === '') return openSqlite(resolve(options.cwd, DEFAULT_SQLITE_PATH));
  if (url.startsWith('sqlite:')) return openSqlite(sqlitePath(url.slice('sqlite:'.length), options.cwd));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url);
  throw new RampartError(
    'RAMPART_CONFIG',
    `DATABASE_URL must start with sqlite:, postgres:// or postgresql:// (got ${redactUrl(url)})`,
    [{ path: 'DATABASE_URL', message: 'unknown scheme' }],
  );
}

function sqlitePath(rest: string, cwd: string): string {
  if (rest === SQLITE_MEMORY) return SQLITE_MEMORY;
  // Accept the URL-ish spellings too: sqlite:///abs/file.db and sqlite://relative/file.db.
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') {
    throw new RampartError(
      'RAMPART_CONFIG',
      'DATABASE_URL sqlite: needs a file path, e.g. sqlite:.rampart/rampart.db',
      [{ path: 'DATABASE_URL', message: 'missing file path' }],
    );
  }
  return isAbsolute(path) ? path : resolve(cwd, path);
}
