import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/**
 * What each mitigation has refused since it began: gateways add their counts here every few seconds, so
 * `rampart mitigations` and the API show it from any process, and a restart loses at most the last few seconds.
 */
export function mitigationEffectsMigration(types: ColumnTypes): Migration {
  const { time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('mitigation_effects')
        .addColumn('mitigation_id', 'text', (c) => c.primaryKey())
        .addColumn('refused', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_refused_at', time)
        .execute();
    },
  };
}
