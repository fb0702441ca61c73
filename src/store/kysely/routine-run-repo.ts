import type { Kysely, Selectable } from 'kysely';
import type { RoutineRun, RoutineRunRepo } from '../ports.js';
import type { Database, RoutineRunsTable } from './schema.js';

function toRun(row: Selectable<RoutineRunsTable>): RoutineRun {
  return {
    id: Number(row.id),
    service: row.service,
    name: row.name,
    occurrence: row.occurrence,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    detail: row.detail,
  };
}

export class KyselyRoutineRunRepo implements RoutineRunRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(run: {
    service: string;
    name: string;
    occurrence: string;
    startedAt: string;
  }): Promise<RoutineRun | undefined> {
    // ON CONFLICT DO NOTHING: of two desks claiming the same occurrence exactly one gets a row back.
    const row = await this.db
      .insertInto('routine_runs')
      .values({
        service: run.service,
        name: run.name,
        occurrence: run.occurrence,
        started_at: run.startedAt,
      })
      .onConflict((oc) => oc.columns(['service', 'name', 'occurrence']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && toRun(row);
  }

  async finish(
    id: number,
    result: { finishedAt: string; outcome: string; detail: string | null },
  ): Promise<RoutineRun | undefined> {
    const row = await this.db
      .updateTable('routine_runs')
      .set({ finished_at: result.finishedAt, outcome: result.outcome, detail: result.detail })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toRun(row);
  }

  async latest(service: string, name: string): Promise<RoutineRun | undefined> {
    const row = await this.db
      .selectFrom('routine_runs')
      .selectAll()
      .where('service', '=', service)
      .where('name', '=', name)
      .orderBy('occurrence', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toRun(row);
  }
}
