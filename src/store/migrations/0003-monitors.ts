import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/**
 * Monitor results (bounded per monitor by the repository) and routine runs (one row per due occurrence, so two
 * desks never remind twice for the same occurrence).
 */
export function monitorsMigration(types: ColumnTypes): Migration {
  const { autoId, autoIdModifier, time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('monitor_results')
        .addColumn('id', autoId, autoIdModifier)
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('monitor', 'text', (c) => c.notNull())
        .addColumn('at', time, (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('failures', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('monitor_results_monitor')
        .on('monitor_results')
        .columns(['service', 'monitor', 'id'])
        .execute();

      await db.schema
        .createTable('routine_runs')
        .addColumn('id', autoId, autoIdModifier)
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('occurrence', time, (c) => c.notNull())
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('finished_at', time)
        .addColumn('outcome', 'text')
        .addColumn('detail', 'text')
        .addUniqueConstraint('routine_runs_occurrence', ['service', 'name', 'occurrence'])
        .execute();
      await db.schema
        .createIndex('routine_runs_latest')
        .on('routine_runs')
        .columns(['service', 'name', 'occurrence'])
        .execute();
    },
  };
}
