import type { Kysely, Selectable } from 'kysely';
import { parseIncidentRef } from '../../domain/incident.js';
import type { Postmortem } from '../../domain/postmortem.js';
import { notFound } from '../../shared/errors.js';
import type { PostmortemRepo } from '../ports.js';
import { fromJsonText, incidentRef, requireIncidentSeq, toJsonText } from './json-text.js';
import type { Database, PostmortemsTable } from './schema.js';

function toPostmortem(row: Selectable<PostmortemsTable>): Postmortem {
  return {
    incidentId: incidentRef(row.incident_seq),
    status: row.status,
    dueAt: row.due_at,
    createdAt: row.created_at,
    publishedAt: row.published_at,
    sections: fromJsonText<Postmortem['sections']>(row.sections),
    followUps: fromJsonText<Postmortem['followUps']>(row.follow_ups),
  };
}

export class KyselyPostmortemRepo implements PostmortemRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(p: Postmortem): Promise<Postmortem> {
    const row = await this.db
      .insertInto('postmortems')
      .values({
        incident_seq: requireIncidentSeq(p.incidentId),
        status: p.status,
        due_at: p.dueAt,
        created_at: p.createdAt,
        published_at: p.publishedAt,
        sections: toJsonText(p.sections),
        follow_ups: toJsonText(p.followUps),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPostmortem(row);
  }

  async get(incidentId: string): Promise<Postmortem | undefined> {
    const seq = parseIncidentRef(incidentId);
    if (seq === undefined) return undefined;
    const row = await this.db
      .selectFrom('postmortems')
      .selectAll()
      .where('incident_seq', '=', seq)
      .executeTakeFirst();
    return row && toPostmortem(row);
  }

  /** Replaces everything but the incident and creation time; throws not-found when there is none. */
  async update(p: Postmortem): Promise<Postmortem> {
    const row = await this.db
      .updateTable('postmortems')
      .set({
        status: p.status,
        due_at: p.dueAt,
        published_at: p.publishedAt,
        sections: toJsonText(p.sections),
        follow_ups: toJsonText(p.followUps),
      })
      .where('incident_seq', '=', requireIncidentSeq(p.incidentId))
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`post-mortem of ${p.incidentId}`);
    return toPostmortem(row);
  }

  /** Earliest due first. */
  async listDue(now: string): Promise<Postmortem[]> {
    const rows = await this.db
      .selectFrom('postmortems')
      .selectAll()
      .where('status', '=', 'open')
      .where('due_at', '<', now)
      .orderBy('due_at', 'asc')
      .orderBy('incident_seq', 'asc')
      .limit(1000)
      .execute();
    return rows.map(toPostmortem);
  }
}
