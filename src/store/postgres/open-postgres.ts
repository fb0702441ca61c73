import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { RampartError } from '../../shared/errors.js';
import { KyselyStore } from '../kysely/kysely-store.js';
import type { Database } from '../kysely/schema.js';
import { migrateToLatest } from '../migrations/migrate-to-latest.js';
import { parsePostgresUrl, redactUrl } from './postgres-url.js';

export interface OpenPostgresOptions {
  /** Pool size; the default suits one desk process. */
  maxConnections?: number;
}

/**
 * Opens a pool on a postgres:// URL, creates the `schema=` schema if asked for one, and migrates it. Every
 * pooled connection gets that schema as its search_path, so the shared queries need no schema prefix.
 */
export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<KyselyStore> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would crash the
  // process. The pool drops that client, and the next query reports the problem to its caller.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Reach the server first, so a wrong host or password reads as a configuration problem.
    // The schema name was checked against a plain-identifier pattern, so it is safe in the statement.
    await pool.query(schema === undefined ? 'select 1' : `create schema if not exists "${schema}"`);
  } catch (error) {
    await db.destroy();
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw new RampartError(
      'RAMPART_CONFIG',
      `cannot open the PostgreSQL database ${redactUrl(url)}: ${reason}`,
    );
  }
  try {
    await migrateToLatest(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore('postgres', db);
}
