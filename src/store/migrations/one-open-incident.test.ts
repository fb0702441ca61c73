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

/** A database as release 0003 left it: the migrations up to 0003, none after. */
async function migrateTo0003(db: Kysely<Schema>, engine: ContractEngine): Promise<void> {
  const all = rampartMigrations(engine.name);
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(Object.fromEntries(Object.entries(all).filter(([n]) => n < '0004'))),
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
  if (error) throw error instanceof Error ? error : new Error('migrating to 0003 failed');
}

describe.each(await contractEngines())('migration 0004 on an existing $name database', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('gives open incidents the key their next signal will look for, and keeps the newest of duplicates', async () => {
    const target = await engine.create();
    cleanups.push(() => target.drop());
    const db = await rawDb(engine, target);
    cleanups.push(() => db.destroy());
    await migrateTo0003(db, engine);

    const at = '2026-01-05T10:00:00.000Z';
    const incident = async (fingerprint: string | null, type: string | null, status: string) => {
      const row = await db
        .insertInto('incidents')
        .values({
          title: 't',
          service: 'guest-api',
          severity: 'SEV-2',
          severity_rank: 2,
          status: status as 'triggered',
          fingerprint,
          type,
          commander: null,
          scope: '{}',
          created_at: at,
          updated_at: at,
          acknowledged_at: null,
          mitigated_at: null,
          resolved_at: null,
          closed_at: null,
        } as never)
        .returning('seq')
        .executeTakeFirstOrThrow();
      if (fingerprint !== null)
        await db
          .insertInto('timeline')
          .values({
            incident_seq: row.seq,
            at,
            actor: 'detector',
            kind: 'signal',
            summary: 's',
            data: JSON.stringify({ rule: 'token-enumeration', groupKey: '203.0.113.0/24' }),
          })
          .execute();
      return row.seq;
    };
    const fp = 'guest-api:token-enumeration:203.0.113.0/24';
    // The break this migration ends: two open incidents for one attack, opened by two desks.
    const older = await incident(fp, 'brute-force', 'triggered');
    const newer = await incident(fp, 'brute-force', 'acknowledged');
    const untyped = await incident('guest-api:monitor:gallery', null, 'triggered');
    const resolved = await incident(fp, 'brute-force', 'resolved');
    const byHand = await incident(null, null, 'triggered');

    // 0004 runs first; later migrations (0005 onwards) touch only their own tables.
    expect((await migrateToLatest(db, engine.name))[0]).toBe('0004-one-open-incident');
    const keys = Object.fromEntries(
      (await db.selectFrom('incidents').select(['seq', 'correlation_key']).execute()).map((r) => [
        r.seq,
        r.correlation_key,
      ]),
    );
    expect(keys).toEqual({
      [older]: null,
      [newer]: 'type:brute-force:203.0.113.0/24',
      [untyped]: 'fingerprint:guest-api:monitor:gallery',
      [resolved]: null,
      [byHand]: null,
    });
  });
});
