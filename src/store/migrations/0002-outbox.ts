import { sql, type Kysely, type Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/** The notification outbox: every message is a row before it is sent, so a restart loses none. */
export function outboxMigration(types: ColumnTypes): Migration {
  const { autoId, autoIdModifier, time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('outbox')
        .addColumn('id', autoId, autoIdModifier)
        .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
        .addColumn('incident_seq', 'integer', (c) => c.references('incidents.seq').onDelete('set null'))
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', time, (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', time)
        .addColumn('last_error', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('delivered_at', time)
        .execute();
      // Dispatchers look only at unfinished rows: the partial index stays small however much was delivered.
      await db.schema
        .createIndex('outbox_unfinished')
        .on('outbox')
        .columns(['status', 'next_attempt_at'])
        .where(sql.ref('status'), 'in', sql`('pending', 'sending')`)
        .execute();
      await db.schema.createIndex('outbox_incident').on('outbox').columns(['incident_seq', 'id']).execute();
    },
  };
}
