import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { KyselyMitigationRepo } from '../kysely/mitigation-repo.js';
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

/** A database as the release before expiry notices left it. */
async function migrateBefore0009(db: Kysely<Schema>, engine: ContractEngine): Promise<void> {
  const all = rampartMigrations(engine.name);
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(Object.fromEntries(Object.entries(all).filter(([n]) => n < '0009'))),
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
  if (error) throw error instanceof Error ? error : new Error('migrating before 0009 failed');
}

describe.each(await contractEngines())('migration 0009 on an existing $name database', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('does not announce mitigations that expired before the upgrade, and does announce later ones', async () => {
    const target = await engine.create();
    cleanups.push(() => target.drop());
    const db = await rawDb(engine, target);
    cleanups.push(() => db.destroy());
    await migrateBefore0009(db, engine);
    const row = (id: string, expiresAt: string | null) => ({
      id,
      service: 'guest-api',
      kind: 'block' as const,
      target: '203.0.113.7',
      reason: 'r',
      author: 'detector',
      incident_seq: null,
      created_at: '2020-01-01T00:00:00.000Z',
      expires_at: expiresAt,
      lifted_at: null,
      lifted_by: null,
      data: '{}',
    });
    await db
      .insertInto('mitigations')
      .values([row('mit-old', '2020-01-01T01:00:00.000Z'), row('mit-later', '2999-01-01T00:00:00.000Z')])
      .execute();

    expect(await migrateToLatest(db, engine.name)).toEqual(['0009-mitigation-expiry']);
    const repo = new KyselyMitigationRepo(db);
    const due = await repo.listExpiredUnnoted('2999-06-01T00:00:00.000Z', 10);
    expect(due.map((m) => m.id)).toEqual(['mit-later']);
  });
});
