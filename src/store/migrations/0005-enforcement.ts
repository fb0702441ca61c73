import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/**
 * Enforcement points beside the gateway. `bouncers`: CrowdSec-compatible bouncers and the SHA-256 of their API
 * key (never the key), with when they last pulled. `mitigation_enforcement`: which gateway, bouncer or hook has
 * which mitigation and since when — one row per (mitigation, point), so every point acknowledges once and a
 * desk claiming a hook run is settled by the primary key. `mitigation_coverage`: when a mitigation was found
 * covered by no point (marked once). All in tables of their own: the mitigations table is unchanged.
 */
export function enforcementMigration(types: ColumnTypes): Migration {
  const { time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('bouncers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('preview', 'text', (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('last_pull_at', time)
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema
        .createTable('mitigation_enforcement')
        .addColumn('mitigation_id', 'text', (c) => c.notNull())
        .addColumn('point_kind', 'text', (c) => c.notNull())
        .addColumn('point_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('since', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('ended_at', time)
        .addColumn('detail', 'text')
        .addPrimaryKeyConstraint('mitigation_enforcement_pk', ['mitigation_id', 'point_kind', 'point_name'])
        .execute();
      await db.schema
        .createIndex('mitigation_enforcement_active')
        .on('mitigation_enforcement')
        .columns(['point_kind', 'ended_at'])
        .execute();
      await db.schema
        .createTable('mitigation_coverage')
        .addColumn('mitigation_id', 'text', (c) => c.primaryKey())
        .addColumn('unenforced_at', time, (c) => c.notNull())
        .execute();
    },
  };
}
