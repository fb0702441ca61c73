import type { Kysely, Selectable } from 'kysely';
import type { ChecklistItem, ChecklistStatus } from '../../domain/checklist.js';
import { parseIncidentRef } from '../../domain/incident.js';
import type { ChecklistRepo } from '../ports.js';
import { incidentRef, listLimit, requireIncidentSeq } from './json-text.js';
import type { ChecklistTable, Database } from './schema.js';

function toItem(row: Selectable<ChecklistTable>): ChecklistItem {
  return {
    incidentId: incidentRef(row.incident_seq),
    stepId: row.step_id,
    phase: row.phase,
    title: row.title,
    automatic: row.automatic,
    position: row.position,
    deadline: row.deadline,
    status: row.status,
    completedAt: row.completed_at,
    completedBy: row.completed_by,
    note: row.note,
  };
}

export class KyselyChecklistRepo implements ChecklistRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(items: ChecklistItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('checklist')
      .values(
        items.map((item) => ({
          incident_seq: requireIncidentSeq(item.incidentId),
          step_id: item.stepId,
          phase: item.phase,
          title: item.title,
          automatic: item.automatic,
          position: item.position,
          deadline: item.deadline,
          status: item.status,
          completed_at: item.completedAt,
          completed_by: item.completedBy,
          note: item.note,
        })),
      )
      .execute();
  }

  /** In playbook order. */
  async list(incidentId: string): Promise<ChecklistItem[]> {
    const seq = parseIncidentRef(incidentId);
    if (seq === undefined) return [];
    const rows = await this.db
      .selectFrom('checklist')
      .selectAll()
      .where('incident_seq', '=', seq)
      .orderBy('position', 'asc')
      .execute();
    return rows.map(toItem);
  }

  async get(incidentId: string, stepId: string): Promise<ChecklistItem | undefined> {
    const seq = parseIncidentRef(incidentId);
    if (seq === undefined) return undefined;
    const row = await this.db
      .selectFrom('checklist')
      .selectAll()
      .where('incident_seq', '=', seq)
      .where('step_id', '=', stepId)
      .executeTakeFirst();
    return row && toItem(row);
  }

  async setStatus(
    incidentId: string,
    stepId: string,
    change: {
      status: ChecklistStatus;
      completedAt: string | null;
      completedBy: string | null;
      note: string | null;
    },
    expected?: ChecklistStatus,
  ): Promise<ChecklistItem | undefined> {
    const seq = parseIncidentRef(incidentId);
    if (seq === undefined) return undefined;
    // With `expected`, the status check is part of the UPDATE: two desks ticking one step at once both read
    // "pending", but the database applies their UPDATEs in turn and only the first still matches.
    let query = this.db
      .updateTable('checklist')
      .set({
        status: change.status,
        completed_at: change.completedAt,
        completed_by: change.completedBy,
        note: change.note,
      })
      .where('incident_seq', '=', seq)
      .where('step_id', '=', stepId);
    if (expected !== undefined) query = query.where('status', '=', expected);
    const row = await query.returningAll().executeTakeFirst();
    return row && toItem(row);
  }

  /** Earliest deadline first. */
  async listOverdue(now: string, limit?: number): Promise<ChecklistItem[]> {
    const rows = await this.db
      .selectFrom('checklist')
      .selectAll()
      .where('status', '=', 'pending')
      .where('deadline', '<', now)
      .orderBy('deadline', 'asc')
      .orderBy('incident_seq', 'asc')
      .orderBy('position', 'asc')
      .limit(listLimit(limit))
      .execute();
    return rows.map(toItem);
  }
}
