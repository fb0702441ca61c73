import type { Kysely, Selectable, Updateable } from 'kysely';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../domain/incident-status.js';
import { parseIncidentRef, type Incident } from '../../domain/incident.js';
import type { IncidentScope } from '../../domain/scope.js';
import type { IncidentFilter, IncidentPatch, IncidentRepo, NewIncident } from '../ports.js';
import { fromJsonText, incidentRef, listLimit, toJsonText } from './json-text.js';
import type { Database, IncidentsTable } from './schema.js';

const CLOSED_STATUSES: IncidentStatus[] = ['resolved', 'closed'];
const OPEN_STATUSES = INCIDENT_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));

export function toIncident(row: Selectable<IncidentsTable>): Incident {
  return {
    id: incidentRef(row.seq),
    title: row.title,
    service: row.service,
    severity: row.severity,
    severityRank: row.severity_rank,
    status: row.status,
    fingerprint: row.fingerprint,
    type: row.type,
    commander: row.commander,
    scope: fromJsonText<IncidentScope>(row.scope),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    acknowledgedAt: row.acknowledged_at,
    mitigatedAt: row.mitigated_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
  };
}

function toPatchRow(patch: IncidentPatch): Updateable<IncidentsTable> {
  const row: Updateable<IncidentsTable> = { updated_at: patch.updatedAt };
  if (patch.title !== undefined) row.title = patch.title;
  if (patch.severity !== undefined) row.severity = patch.severity;
  if (patch.severityRank !== undefined) row.severity_rank = patch.severityRank;
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.commander !== undefined) row.commander = patch.commander;
  if (patch.scope !== undefined) row.scope = toJsonText(patch.scope);
  if (patch.acknowledgedAt !== undefined) row.acknowledged_at = patch.acknowledgedAt;
  if (patch.mitigatedAt !== undefined) row.mitigated_at = patch.mitigatedAt;
  if (patch.resolvedAt !== undefined) row.resolved_at = patch.resolvedAt;
  if (patch.closedAt !== undefined) row.closed_at = patch.closedAt;
  return row;
}

export class KyselyIncidentRepo implements IncidentRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(incident: NewIncident): Promise<Incident> {
    const row = await this.db
      .insertInto('incidents')
      .values({
        title: incident.title,
        service: incident.service,
        severity: incident.severity,
        severity_rank: incident.severityRank,
        status: incident.status,
        fingerprint: incident.fingerprint,
        type: incident.type,
        commander: incident.commander,
        scope: toJsonText(incident.scope),
        created_at: incident.createdAt,
        updated_at: incident.createdAt,
        acknowledged_at: null,
        mitigated_at: null,
        resolved_at: null,
        closed_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toIncident(row);
  }

  async get(id: string): Promise<Incident | undefined> {
    const seq = parseIncidentRef(id);
    if (seq === undefined) return undefined;
    const row = await this.db.selectFrom('incidents').selectAll().where('seq', '=', seq).executeTakeFirst();
    return row && toIncident(row);
  }

  async list(filter: IncidentFilter = {}): Promise<Incident[]> {
    let query = this.db.selectFrom('incidents').selectAll();
    if (filter.service !== undefined) query = query.where('service', '=', filter.service);
    if (filter.status !== undefined) {
      if (filter.status.length === 0) return [];
      query = query.where('status', 'in', filter.status);
    }
    if (filter.openOnly === true) query = query.where('status', 'in', OPEN_STATUSES);
    const direction = filter.order === 'oldest' ? 'asc' : 'desc';
    const rows = await query
      .orderBy('created_at', direction)
      .orderBy('seq', direction)
      .limit(listLimit(filter.limit))
      .execute();
    return rows.map(toIncident);
  }

  async findOpenByFingerprint(service: string, fingerprint: string): Promise<Incident | undefined> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('service', '=', service)
      .where('fingerprint', '=', fingerprint)
      .where('status', 'in', OPEN_STATUSES)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toIncident(row);
  }

  async update(
    id: string,
    patch: IncidentPatch,
    expectedStatus?: IncidentStatus,
  ): Promise<Incident | undefined> {
    const seq = parseIncidentRef(id);
    if (seq === undefined) return undefined;
    let query = this.db.updateTable('incidents').set(toPatchRow(patch)).where('seq', '=', seq);
    // The status check lives in the UPDATE itself, not in a read before it: when two responders act at
    // once (one acknowledges while the other resolves), both read the same status, but the database applies
    // the two UPDATEs one after the other and only the first still matches. The loser gets undefined and
    // re-reads, instead of silently overwriting a transition it never saw.
    if (expectedStatus !== undefined) query = query.where('status', '=', expectedStatus);
    const row = await query.returningAll().executeTakeFirst();
    return row && toIncident(row);
  }
}
