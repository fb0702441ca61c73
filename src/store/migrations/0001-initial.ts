import { sql, type Kysely, type Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/** The first schema: every table of the store and the indexes its queries use. */
export function initialMigration(types: ColumnTypes): Migration {
  const { autoId, autoIdModifier, time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('incidents')
        .addColumn('seq', autoId, autoIdModifier)
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('severity_rank', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text')
        .addColumn('type', 'text')
        .addColumn('commander', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('acknowledged_at', time)
        .addColumn('mitigated_at', time)
        .addColumn('resolved_at', time)
        .addColumn('closed_at', time)
        .execute();
      await db.schema
        .createIndex('incidents_service_fingerprint_status')
        .on('incidents')
        .columns(['service', 'fingerprint', 'status'])
        .execute();
      await db.schema
        .createIndex('incidents_created')
        .on('incidents')
        .columns(['created_at', 'seq'])
        .execute();

      await db.schema
        .createTable('timeline')
        .addColumn('id', autoId, autoIdModifier)
        .addColumn('incident_seq', 'integer', (c) =>
          c.notNull().references('incidents.seq').onDelete('cascade'),
        )
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('timeline_incident_id')
        .on('timeline')
        .columns(['incident_seq', 'id'])
        .execute();

      await db.schema
        .createTable('checklist')
        .addColumn('incident_seq', 'integer', (c) =>
          c.notNull().references('incidents.seq').onDelete('cascade'),
        )
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('automatic', 'text')
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('deadline', time, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('completed_at', time)
        .addColumn('completed_by', 'text')
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('checklist_pk', ['incident_seq', 'step_id'])
        .execute();
      await db.schema
        .createIndex('checklist_incident_position')
        .on('checklist')
        .columns(['incident_seq', 'position'])
        .execute();
      // Only pending steps can be overdue: a partial index stays small however many incidents are closed.
      await db.schema
        .createIndex('checklist_pending_deadline')
        .on('checklist')
        .column('deadline')
        .where(sql.ref('status'), '=', 'pending')
        .execute();

      await db.schema
        .createTable('mitigations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('incident_seq', 'integer', (c) => c.references('incidents.seq').onDelete('set null'))
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('expires_at', time)
        .addColumn('lifted_at', time)
        .addColumn('lifted_by', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mitigations_service')
        .on('mitigations')
        .columns(['service', 'created_at'])
        .execute();
      await db.schema
        .createIndex('mitigations_in_force')
        .on('mitigations')
        .column('expires_at')
        .where(sql.ref('lifted_at'), 'is', null)
        .execute();
      await db.schema.createIndex('mitigations_incident').on('mitigations').column('incident_seq').execute();

      await db.schema
        .createTable('postmortems')
        .addColumn('incident_seq', 'integer', (c) =>
          c.primaryKey().references('incidents.seq').onDelete('cascade'),
        )
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('due_at', time, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('published_at', time)
        .addColumn('sections', 'text', (c) => c.notNull())
        .addColumn('follow_ups', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('postmortems_open_due')
        .on('postmortems')
        .column('due_at')
        .where(sql.ref('status'), '=', 'open')
        .execute();

      await db.schema
        .createTable('audit')
        .addColumn('id', autoId, autoIdModifier)
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_at').on('audit').column('at').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('preview', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('revoked_at', time)
        .execute();
      await db.schema.createIndex('api_keys_hash').on('api_keys').column('hash').unique().execute();
    },
  };
}
