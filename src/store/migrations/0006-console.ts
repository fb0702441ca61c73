import { sql, type Kysely, type Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/**
 * The console: sign-in sessions (only a hash of the session secret is stored, so a copy of the database opens
 * no session), and the indexes its overview reads by: recent entries of one kind across incidents, and open
 * incidents by severity.
 */
export function consoleMigration(types: ColumnTypes): Migration {
  const { time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('console_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('console_sessions_key')
        .on('console_sessions')
        .columns(['key_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('console_sessions_expiry')
        .on('console_sessions')
        .column('expires_at')
        .execute();
      await db.schema.createIndex('timeline_kind_id').on('timeline').columns(['kind', 'id']).execute();
      await db.schema
        .createIndex('incidents_open_severity')
        .on('incidents')
        .columns(['severity_rank', 'created_at', 'seq'])
        .where(sql.ref('status'), 'in', sql`('triggered', 'acknowledged', 'mitigated')`)
        .execute();
    },
  };
}
