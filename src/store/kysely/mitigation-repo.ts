import type { Kysely, Selectable } from 'kysely';
import { parseIncidentRef } from '../../domain/incident.js';
import type { Mitigation } from '../../domain/mitigation.js';
import type { MitigationFilter, MitigationRepo } from '../ports.js';
import { fromJsonText, incidentRef, listLimit, requireIncidentSeq, toJsonText } from './json-text.js';
import type { Database, MitigationsTable } from './schema.js';

export function toMitigation(row: Selectable<MitigationsTable>): Mitigation {
  return {
    id: row.id,
    service: row.service,
    kind: row.kind,
    target: row.target,
    reason: row.reason,
    author: row.author,
    incidentId: row.incident_seq === null ? null : incidentRef(row.incident_seq),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
    data: fromJsonText<Record<string, unknown>>(row.data),
  };
}

export class KyselyMitigationRepo implements MitigationRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(m: Mitigation): Promise<Mitigation> {
    const row = await this.db
      .insertInto('mitigations')
      .values({
        id: m.id,
        service: m.service,
        kind: m.kind,
        target: m.target,
        reason: m.reason,
        author: m.author,
        incident_seq: m.incidentId === null ? null : requireIncidentSeq(m.incidentId),
        created_at: m.createdAt,
        expires_at: m.expiresAt,
        lifted_at: m.liftedAt,
        lifted_by: m.liftedBy,
        data: toJsonText(m.data),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMitigation(row);
  }

  async get(id: string): Promise<Mitigation | undefined> {
    const row = await this.db.selectFrom('mitigations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMitigation(row);
  }

  /** Newest first. */
  async list(filter: MitigationFilter = {}): Promise<Mitigation[]> {
    let query = this.db.selectFrom('mitigations').selectAll();
    if (filter.service !== undefined) query = query.where('service', '=', filter.service);
    if (filter.incidentId !== undefined) {
      const seq = parseIncidentRef(filter.incidentId);
      if (seq === undefined) return [];
      query = query.where('incident_seq', '=', seq);
    }
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.target !== undefined) query = query.where('target', '=', filter.target);
    const at = filter.inForceAt;
    if (at !== undefined) {
      // Same rule as isInForce() in the domain: not lifted, and no expiry or an expiry still ahead.
      query = query
        .where('lifted_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(listLimit(filter.limit))
      .execute();
    return rows.map(toMitigation);
  }

  async lift(id: string, liftedAt: string, liftedBy: string): Promise<Mitigation | undefined> {
    // Conditional like incident updates: of two responders lifting at once, one records the lift.
    const row = await this.db
      .updateTable('mitigations')
      .set({ lifted_at: liftedAt, lifted_by: liftedBy })
      .where('id', '=', id)
      .where('lifted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && toMitigation(row);
  }

  async extend(id: string, expiresAt: string | null): Promise<Mitigation | undefined> {
    // Conditional: a mitigation lifted meanwhile stays lifted; the caller reports the conflict.
    const row = await this.db
      .updateTable('mitigations')
      .set({ expires_at: expiresAt })
      .where('id', '=', id)
      .where('lifted_at', 'is', null)
      // One whose expiry was already noted has ended; extending it would contradict the notice sent.
      .where('expiry_noted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && toMitigation(row);
  }

  /** Oldest first. */
  async listExpiredUnnoted(at: string, limit: number): Promise<Mitigation[]> {
    const rows = await this.db
      .selectFrom('mitigations')
      .selectAll()
      .where('expiry_noted_at', 'is', null)
      .where('lifted_at', 'is', null)
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', at)
      .orderBy('expires_at')
      .orderBy('id')
      .limit(listLimit(limit))
      .execute();
    return rows.map(toMitigation);
  }

  async noteExpiry(id: string, expiresAt: string, at: string): Promise<Mitigation | undefined> {
    // The claim: of several desks noting at once, one update matches; an extension moved expires_at, so an
    // expiry read before it no longer matches either.
    const row = await this.db
      .updateTable('mitigations')
      .set({ expiry_noted_at: at })
      .where('id', '=', id)
      .where('expiry_noted_at', 'is', null)
      .where('lifted_at', 'is', null)
      .where('expires_at', '=', expiresAt)
      .where('expires_at', '<=', at)
      .returningAll()
      .executeTakeFirst();
    return row && toMitigation(row);
  }
}
