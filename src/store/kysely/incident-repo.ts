import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../domain/incident-status.js';
import { parseIncidentRef, type Incident } from '../../domain/incident.js';
import { completeScope, type IncidentScope } from '../../domain/scope.js';
import { OPEN_INCIDENT_PREDICATE } from '../migrations/0004-one-open-incident.js';
import type {
  IncidentCount,
  IncidentFilter,
  IncidentPatch,
  IncidentRepo,
  LockOption,
  NewIncident,
  StoreEngine,
} from '../ports.js';
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
    correlationKey: row.correlation_key,
    type: row.type,
    commander: row.commander,
    scope: completeScope(fromJsonText<Partial<IncidentScope>>(row.scope)),
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
  if (patch.correlationKey !== undefined) row.correlation_key = patch.correlationKey;
  if (patch.scope !== undefined) row.scope = toJsonText(patch.scope);
  if (patch.acknowledgedAt !== undefined) row.acknowledged_at = patch.acknowledgedAt;
  if (patch.mitigatedAt !== undefined) row.mitigated_at = patch.mitigatedAt;
  if (patch.resolvedAt !== undefined) row.resolved_at = patch.resolvedAt;
  if (patch.closedAt !== undefined) row.closed_at = patch.closedAt;
  return row;
}

function toRow(incident: NewIncident): Insertable<IncidentsTable> {
  return {
    title: incident.title,
    service: incident.service,
    severity: incident.severity,
    severity_rank: incident.severityRank,
    status: incident.status,
    fingerprint: incident.fingerprint,
    correlation_key: incident.correlationKey ?? null,
    type: incident.type,
    commander: incident.commander,
    scope: toJsonText(incident.scope),
    created_at: incident.createdAt,
    updated_at: incident.createdAt,
    acknowledged_at: null,
    mitigated_at: null,
    resolved_at: null,
    closed_at: null,
  };
}

export class KyselyIncidentRepo implements IncidentRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: StoreEngine,
  ) {}

  async create(incident: NewIncident): Promise<Incident> {
    const row = await this.db
      .insertInto('incidents')
      .values(toRow(incident))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toIncident(row);
  }

  async createUnlessKeyTaken(incident: NewIncident): Promise<Incident | undefined> {
    // The partial unique index (service, correlation_key) over open incidents decides. ON CONFLICT DO NOTHING
    // rather than catching the violation: on PostgreSQL a failed statement aborts the whole transaction, and
    // the loser still has to join the winner's incident inside it. When the winner has not committed yet,
    // PostgreSQL makes this insert wait for it, then skips it; the caller's next read sees the winner's row.
    const row = await this.db
      .insertInto('incidents')
      .values(toRow(incident))
      .onConflict((oc) =>
        oc.columns(['service', 'correlation_key']).where(OPEN_INCIDENT_PREDICATE).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    return row && toIncident(row);
  }

  async get(id: string, options: LockOption = {}): Promise<Incident | undefined> {
    const seq = parseIncidentRef(id);
    if (seq === undefined) return undefined;
    let query = this.db.selectFrom('incidents').selectAll().where('seq', '=', seq);
    if (options.lock === true && this.engine === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
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
    if (filter.order === 'severity') query = query.orderBy('severity_rank', 'asc');
    const direction = filter.order === 'oldest' || filter.order === 'severity' ? 'asc' : 'desc';
    query = query.orderBy('created_at', direction).orderBy('seq', direction).limit(listLimit(filter.limit));
    if (filter.offset !== undefined && filter.offset > 0) query = query.offset(filter.offset);
    const rows = await query.execute();
    return rows.map(toIncident);
  }

  async countByStatusAndSeverity(filter: { service?: string } = {}): Promise<IncidentCount[]> {
    let query = this.db
      .selectFrom('incidents')
      .select((eb) => ['status', 'severity', 'severity_rank', eb.fn.countAll().as('n')])
      .groupBy(['status', 'severity', 'severity_rank']);
    if (filter.service !== undefined) query = query.where('service', '=', filter.service);
    const rows = await query.orderBy('severity_rank', 'asc').orderBy('status', 'asc').execute();
    // PostgreSQL returns count(*) as a bigint string, SQLite as a number.
    return rows.map((r) => ({
      status: r.status,
      severity: r.severity,
      severityRank: r.severity_rank,
      count: Number(r.n),
    }));
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

  async findOpenByKey(service: string, key: string, options: LockOption = {}): Promise<Incident | undefined> {
    let query = this.db
      .selectFrom('incidents')
      .selectAll()
      .where('service', '=', service)
      .where('correlation_key', '=', key)
      .where(OPEN_INCIDENT_PREDICATE);
    // FOR UPDATE waits for a desk that is changing the row and then re-reads it: if that desk resolved it, the
    // row no longer matches and this desk opens a new incident instead of joining a resolved one.
    if (options.lock === true && this.engine === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
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
