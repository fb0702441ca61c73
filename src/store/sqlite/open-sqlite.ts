import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateDatabaseFile } from '../../shared/private-files.js';
import { Kysely } from 'kysely';
import Database from 'libsql';
import { RampartError } from '../../shared/errors.js';
import { KyselyStore } from '../kysely/kysely-store.js';
import type { Database as Schema } from '../kysely/schema.js';
import { migrateToLatest } from '../migrations/migrate-to-latest.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';

export const SQLITE_MEMORY = ':memory:';

/**
 * Opens (creating if needed) the SQLite file at `path` — or a private in-memory database for ":memory:" —
 * and migrates it to the latest schema.
 */
export async function openSqlite(path: string): Promise<KyselyStore> {
  let database: Database.Database;
  try {
    if (path !== SQLITE_MEMORY) {
      // A folder made here is private; an existing one is the operator's choice (the app tightens .rampart/).
      if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Incidents, the audit log and key hashes: readable by this user alone, sidecar files included.
      privateDatabaseFile(path);
    }
    database = new Database(path);
  } catch (error) {
    throw new RampartError('RAMPART_CONFIG', `cannot open the SQLite database ${path}: ${messageOf(error)}`);
  }
  try {
    // WAL lets readers (the dashboard, the CLI) run while the desk writes; NORMAL sync is durable against a
    // process crash and only risks the last commits on power loss, which WAL then keeps consistent.
    // busy_timeout makes a second process wait for the write lock rather than fail.
    database.exec('pragma busy_timeout = 5000');
    if (path !== SQLITE_MEMORY) database.exec('pragma journal_mode = WAL');
    database.exec('pragma synchronous = NORMAL');
    database.exec('pragma foreign_keys = ON');
  } catch (error) {
    database.close();
    throw new RampartError(
      'RAMPART_CONFIG',
      `cannot prepare the SQLite database ${path}: ${messageOf(error)}`,
    );
  }
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database }) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore('sqlite', db);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
