import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { RampartError } from '../../shared/errors.js';
import type { StoreEngine } from '../ports.js';
import type { Database } from '../kysely/schema.js';
import { initialMigration } from './0001-initial.js';
import { outboxMigration } from './0002-outbox.js';
import { monitorsMigration } from './0003-monitors.js';
import { oneOpenIncidentMigration } from './0004-one-open-incident.js';
import { enforcementMigration } from './0005-enforcement.js';
import { consoleMigration } from './0006-console.js';
import { mitigationEffectsMigration } from './0008-mitigation-effects.js';
import { mitigationExpiryMigration } from './0009-mitigation-expiry.js';
import { columnTypes } from './column-types.js';

/** Migrations live in code (not a folder scanned at run time) so the built package carries them. */
export function rampartMigrations(engine: StoreEngine): Record<string, Migration> {
  const types = columnTypes(engine);
  // Names sort in the order they must run; never rename or edit one that has shipped, add the next.
  return {
    '0001-initial': initialMigration(types),
    '0002-outbox': outboxMigration(types),
    '0003-monitors': monitorsMigration(types),
    '0004-one-open-incident': oneOpenIncidentMigration(),
    '0005-enforcement': enforcementMigration(types),
    '0006-console': consoleMigration(types),
    '0008-mitigation-effects': mitigationEffectsMigration(types),
    '0009-mitigation-expiry': mitigationExpiryMigration(types),
  };
}

class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.migrations);
  }
}

/**
 * Brings the schema to the latest version. Safe to call on every open and from several processes at once:
 * the migrator holds a lock (an advisory lock on PostgreSQL, an immediate write transaction on SQLite) and
 * skips what already ran. Returns the names of the migrations this call applied.
 */
export async function migrateToLatest(db: Kysely<Database>, engine: StoreEngine): Promise<string[]> {
  // Kysely looks for its migration tables in every schema unless told which one: on a PostgreSQL server with
  // another Rampart schema (tests, a second tenant) it would find that one's tables and never create its own.
  const schema =
    engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: new CodeMigrationProvider(rampartMigrations(engine)),
    // Numbers were handed out to parts built side by side (0006 shipped before 0005): a database that already
    // ran 0006 runs 0005 next. Each migration touches only its own tables, so their order does not matter.
    allowUnorderedMigrations: true,
    migrationTableName: 'rampart_migration',
    migrationLockTableName: 'rampart_migration_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw new RampartError('RAMPART_INTERNAL', `database migration ${failed} failed: ${reason}`);
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
