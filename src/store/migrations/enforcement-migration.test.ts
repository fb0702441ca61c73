import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database as Schema } from '../kysely/schema.js';
import { parsePostgresUrl } from '../postgres/postgres-url.js';
import { ImmediateSqliteDialect } from '../sqlite/immediate-sqlite-dialect.js';
import { contractEngines, type ContractEngine, type EngineTarget } from '../testing/contract-engines.js';
import { migrateToLatest, rampartMigrations } from './migrate-to-latest.js';

async function rawDb(engine: ContractEngine, target: EngineTarget): Promise<Kysely<Schema>> {
  if (engine.name === 'sqlite') {
    const database = new Database(join(target.cwd, 'upgrade.db'));
    return new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database }) });
  }
  const { connectionString, schema } = parsePostgresUrl(target.url);
  const pool = new pg.Pool({ connectionString, options: `-c search_path=${schema}` });
  await pool.query(`create schema if not exists "${schema}"`);
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

/** A database as the release before enforcement left it: every migration but 0005, 0006 included. */
async function migrateAllBut0005(db: Kysely<Schema>, engine: ContractEngine): Promise<void> {
  const all = rampartMigrations(engine.name);
  const provider: MigrationProvider = {
    getMigrations: () =>
      Promise.resolve(Object.fromEntries(Object.entries(all).filter(([n]) => n !== '0005-enforcement'))),
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
  if (error) throw error instanceof Error ? error : new Error('migrating without 0005 failed');
}

describe.each(await contractEngines())('migration 0005 on an existing $name database', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('runs after 0006 already ran, and leaves the bouncers and enforcement tables ready', async () => {
    const target = await engine.create();
    cleanups.push(() => target.drop());
    const db = await rawDb(engine, target);
    cleanups.push(() => db.destroy());
    await migrateAllBut0005(db, engine);

    expect(await migrateToLatest(db, engine.name)).toEqual(['0005-enforcement']);
    expect(await migrateToLatest(db, engine.name)).toEqual([]);
    await db
      .insertInto('bouncers')
      .values({
        id: 'bnc-1',
        name: 'edge',
        key_hash: 'h',
        preview: 'rb_x',
        created_at: '2026-01-05T10:00:00.000Z',
        last_pull_at: null,
        user_agent: null,
      })
      .execute();
    expect(await db.selectFrom('bouncers').select('name').execute()).toEqual([{ name: 'edge' }]);
    expect(await db.selectFrom('mitigation_enforcement').selectAll().execute()).toEqual([]);
  });
});
