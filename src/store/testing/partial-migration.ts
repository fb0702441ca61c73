import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import type { Database as Schema } from '../kysely/schema.js';
import { rampartMigrations } from '../migrations/migrate-to-latest.js';
import { parsePostgresUrl } from '../postgres/postgres-url.js';
import { ImmediateSqliteDialect } from '../sqlite/immediate-sqlite-dialect.js';
import type { ContractEngine, EngineTarget } from './contract-engines.js';

/**
 * For migration tests: a bare database on a contract engine's target (its own SQLite file or PostgreSQL schema),
 * with no migration run. The caller destroys it.
 */
export async function rawDatabase(engine: ContractEngine, target: EngineTarget): Promise<Kysely<Schema>> {
  if (engine.name === 'sqlite') {
    const database = new Database(join(target.cwd, 'upgrade.db'));
    return new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database }) });
  }
  const { connectionString, schema } = parsePostgresUrl(target.url);
  const pool = new pg.Pool({ connectionString, options: `-c search_path=${schema}` });
  await pool.query(`create schema if not exists "${schema}"`);
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Runs only the migrations `keep` accepts (by name, e.g. `(n) => n < '0009'`), as an earlier release left the
 * database, in the same migration tables the real migrator uses; `what` names that state in an error.
 */
export async function migratePartly(
  db: Kysely<Schema>,
  engine: ContractEngine,
  keep: (name: string) => boolean,
  what: string,
): Promise<void> {
  const all = rampartMigrations(engine.name);
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(Object.fromEntries(Object.entries(all).filter(([name]) => keep(name)))),
  };
  const schema =
    engine.name === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const { error } = await new Migrator({
    db,
    provider,
    ...(schema ? { migrationTableSchema: schema } : {}),
    migrationTableName: 'rampart_migration',
    migrationLockTableName: 'rampart_migration_lock',
  }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migrating ${what} failed`);
}
