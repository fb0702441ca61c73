import type { Kysely, Selectable } from 'kysely';
import type { EnforcementPointKind, EnforcementRecord } from '../../domain/enforcement.js';
import type { EnforcementAck, EnforcementRepo } from '../ports.js';
import { listLimit, MAX_LIST_LIMIT } from './json-text.js';
import type { Database, MitigationEnforcementTable } from './schema.js';

function toRecord(row: Selectable<MitigationEnforcementTable>): EnforcementRecord {
  return {
    mitigationId: row.mitigation_id,
    pointKind: row.point_kind,
    pointName: row.point_name,
    state: row.state,
    since: row.since,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
    detail: row.detail,
  };
}

/** Detail is for people (a hook's exit and output tail): kept short so a chatty command cannot bloat a row. */
const MAX_DETAIL = 2000;
const clip = (detail: string | null | undefined) =>
  detail === undefined || detail === null ? null : detail.slice(0, MAX_DETAIL);

export class KyselyEnforcementRepo implements EnforcementRepo {
  constructor(private readonly db: Kysely<Database>) {}

  private key(ack: EnforcementAck) {
    return this.db
      .updateTable('mitigation_enforcement')
      .where('mitigation_id', '=', ack.mitigationId)
      .where('point_kind', '=', ack.pointKind)
      .where('point_name', '=', ack.pointName);
  }

  async acknowledge(ack: EnforcementAck): Promise<void> {
    await this.db
      .insertInto('mitigation_enforcement')
      .values({
        mitigation_id: ack.mitigationId,
        point_kind: ack.pointKind,
        point_name: ack.pointName,
        state: 'enforcing',
        since: ack.at,
        updated_at: ack.at,
        ended_at: null,
        detail: clip(ack.detail),
      })
      .onConflict((oc) =>
        oc.columns(['mitigation_id', 'point_kind', 'point_name']).doUpdateSet({
          state: 'enforcing',
          updated_at: ack.at,
          ended_at: null,
          ...(ack.detail !== undefined ? { detail: clip(ack.detail) } : {}),
        }),
      )
      .execute();
  }

  async claim(ack: EnforcementAck): Promise<boolean> {
    const result = await this.db
      .insertInto('mitigation_enforcement')
      .values({
        mitigation_id: ack.mitigationId,
        point_kind: ack.pointKind,
        point_name: ack.pointName,
        state: 'pending',
        since: ack.at,
        updated_at: ack.at,
        ended_at: null,
        detail: clip(ack.detail),
      })
      .onConflict((oc) => oc.columns(['mitigation_id', 'point_kind', 'point_name']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async settle(ack: EnforcementAck & { state: 'pending' | 'enforcing' | 'failed' }): Promise<void> {
    await this.key(ack)
      .set({ state: ack.state, updated_at: ack.at, detail: clip(ack.detail) })
      .execute();
  }

  async release(ack: EnforcementAck): Promise<boolean> {
    const result = await this.key(ack)
      .set({
        state: 'removed',
        updated_at: ack.at,
        ended_at: ack.at,
        ...(ack.detail !== undefined ? { detail: clip(ack.detail) } : {}),
      })
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touchPoint(pointKind: EnforcementPointKind, pointName: string, at: string): Promise<number> {
    const result = await this.db
      .updateTable('mitigation_enforcement')
      .set({ updated_at: at })
      .where('point_kind', '=', pointKind)
      .where('point_name', '=', pointName)
      .where('state', '=', 'enforcing')
      .where('ended_at', 'is', null)
      // Rows refreshed in the last 10 s are left alone: a bouncer pulling every 200 ms writes its holds at most
      // every 10 s, far inside the 90 s after which they read as stale.
      .where('updated_at', '<', new Date(Date.parse(at) - 10_000).toISOString())
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async releasePoint(pointKind: EnforcementPointKind, pointName: string, at: string): Promise<number> {
    const result = await this.db
      .updateTable('mitigation_enforcement')
      .set({ state: 'removed', updated_at: at, ended_at: at })
      .where('point_kind', '=', pointKind)
      .where('point_name', '=', pointName)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async list(mitigationIds: readonly string[]): Promise<EnforcementRecord[]> {
    if (mitigationIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('mitigation_enforcement')
      .selectAll()
      .where('mitigation_id', 'in', [...mitigationIds])
      .orderBy('since', 'asc')
      .limit(MAX_LIST_LIMIT)
      .execute();
    return rows.map(toRecord);
  }

  async listOpen(pointKind: EnforcementPointKind, limit?: number): Promise<EnforcementRecord[]> {
    const rows = await this.db
      .selectFrom('mitigation_enforcement')
      .selectAll()
      .where('point_kind', '=', pointKind)
      .where('ended_at', 'is', null)
      .orderBy('since', 'asc')
      .limit(listLimit(limit))
      .execute();
    return rows.map(toRecord);
  }

  async markUnenforced(mitigationId: string, at: string): Promise<boolean> {
    const result = await this.db
      .insertInto('mitigation_coverage')
      .values({ mitigation_id: mitigationId, unenforced_at: at })
      .onConflict((oc) => oc.column('mitigation_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async listUnenforced(mitigationIds: readonly string[]): Promise<string[]> {
    if (mitigationIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('mitigation_coverage')
      .select('mitigation_id')
      .where('mitigation_id', 'in', [...mitigationIds])
      .execute();
    return rows.map((r) => r.mitigation_id);
  }
}
