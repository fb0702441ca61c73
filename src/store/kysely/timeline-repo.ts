import type { Kysely, Selectable } from 'kysely';
import { parseIncidentRef } from '../../domain/incident.js';
import type { NewTimelineEntry, TimelineEntry, TimelineKind } from '../../domain/timeline.js';
import type { TimelineListOptions, TimelineRepo } from '../ports.js';
import {
  MAX_LIST_LIMIT,
  fromJsonText,
  incidentRef,
  listLimit,
  requireIncidentSeq,
  toJsonText,
} from './json-text.js';
import type { Database, TimelineTable } from './schema.js';

function toEntry(row: Selectable<TimelineTable>): TimelineEntry {
  return {
    id: row.id,
    incidentId: incidentRef(row.incident_seq),
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    summary: row.summary,
    data: fromJsonText<Record<string, unknown>>(row.data),
  };
}

export class KyselyTimelineRepo implements TimelineRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: NewTimelineEntry): Promise<TimelineEntry> {
    const row = await this.db
      .insertInto('timeline')
      .values({
        incident_seq: requireIncidentSeq(entry.incidentId),
        at: entry.at,
        actor: entry.actor,
        kind: entry.kind,
        summary: entry.summary,
        data: toJsonText(entry.data),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEntry(row);
  }

  /**
   * In append order (oldest first unless `newestFirst`); page with `afterId` = the last id seen. Without a
   * limit, up to 10,000.
   */
  async list(incidentId: string, options: TimelineListOptions = {}): Promise<TimelineEntry[]> {
    const seq = parseIncidentRef(incidentId);
    if (seq === undefined) return [];
    let query = this.db.selectFrom('timeline').selectAll().where('incident_seq', '=', seq);
    if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
    if (options.kinds !== undefined) {
      if (options.kinds.length === 0) return [];
      query = query.where('kind', 'in', options.kinds);
    }
    const rows = await query
      .orderBy('id', options.newestFirst === true ? 'desc' : 'asc')
      .limit(listLimit(options.limit, MAX_LIST_LIMIT))
      .execute();
    return rows.map(toEntry);
  }

  async count(incidentId: string): Promise<number> {
    const seq = parseIncidentRef(incidentId);
    if (seq === undefined) return 0;
    const row = await this.db
      .selectFrom('timeline')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('incident_seq', '=', seq)
      .executeTakeFirstOrThrow();
    // PostgreSQL returns count(*) as a bigint string, SQLite as a number.
    return Number(row.n);
  }

  async recent(options: {
    incidentId?: string;
    kinds?: readonly TimelineKind[];
    limit: number;
    beforeId?: number;
  }): Promise<TimelineEntry[]> {
    let query = this.db.selectFrom('timeline').selectAll();
    if (options.incidentId !== undefined) {
      const seq = parseIncidentRef(options.incidentId);
      if (seq === undefined) return [];
      query = query.where('incident_seq', '=', seq);
    }
    if (options.kinds !== undefined) {
      if (options.kinds.length === 0) return [];
      query = query.where('kind', 'in', [...options.kinds]);
    }
    if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(listLimit(options.limit)).execute();
    return rows.map(toEntry);
  }

  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom('timeline')
      .select((eb) => eb.fn.max('id').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }
}
