import type { ApiKey } from '../domain/api-key.js';
import type { AuditEntry, NewAuditEntry } from '../domain/audit.js';
import type { ChecklistItem, ChecklistStatus } from '../domain/checklist.js';
import type { Incident } from '../domain/incident.js';
import type { IncidentStatus } from '../domain/incident-status.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { Postmortem } from '../domain/postmortem.js';
import type { IncidentScope } from '../domain/scope.js';
import type { NewTimelineEntry, TimelineEntry } from '../domain/timeline.js';

/**
 * The store's ports. The desk, API and CLI use only these; the SQLite and PostgreSQL adapters implement them
 * with the same Kysely queries. All times are ISO-8601 UTC strings.
 */

export type NewIncident = Omit<Incident, 'id' | 'updatedAt' | 'acknowledgedAt' | 'mitigatedAt' | 'resolvedAt' | 'closedAt'>;

export interface IncidentPatch {
  title?: string;
  severity?: string;
  severityRank?: number;
  status?: IncidentStatus;
  commander?: string | null;
  scope?: IncidentScope;
  acknowledgedAt?: string | null;
  mitigatedAt?: string | null;
  resolvedAt?: string | null;
  closedAt?: string | null;
  updatedAt: string;
}

export interface IncidentFilter {
  service?: string;
  status?: IncidentStatus[];
  /** Only incidents that are not resolved or closed. */
  openOnly?: boolean;
  limit?: number;
  /** Newest first by default. */
  order?: 'newest' | 'oldest';
}

export interface IncidentRepo {
  create(incident: NewIncident): Promise<Incident>;
  get(id: string): Promise<Incident | undefined>;
  list(filter?: IncidentFilter): Promise<Incident[]>;
  /** The open incident (not resolved/closed) of this service with this fingerprint, if any. */
  findOpenByFingerprint(service: string, fingerprint: string): Promise<Incident | undefined>;
  /**
   * Conditional update: applies the patch only while the incident still has `expectedStatus`, so two
   * responders acting at once cannot both win. Returns the updated incident, or undefined when the
   * condition failed (the caller re-reads and reports the conflict).
   */
  update(id: string, patch: IncidentPatch, expectedStatus?: IncidentStatus): Promise<Incident | undefined>;
}

export interface TimelineRepo {
  append(entry: NewTimelineEntry): Promise<TimelineEntry>;
  list(incidentId: string, options?: { limit?: number; afterId?: number }): Promise<TimelineEntry[]>;
  count(incidentId: string): Promise<number>;
}

export interface ChecklistRepo {
  insertMany(items: ChecklistItem[]): Promise<void>;
  list(incidentId: string): Promise<ChecklistItem[]>;
  get(incidentId: string, stepId: string): Promise<ChecklistItem | undefined>;
  setStatus(
    incidentId: string,
    stepId: string,
    change: { status: ChecklistStatus; completedAt: string | null; completedBy: string | null; note: string | null },
  ): Promise<ChecklistItem | undefined>;
  /** Pending steps whose deadline is before `now`, across incidents (for time-box reminders). */
  listOverdue(now: string, limit?: number): Promise<ChecklistItem[]>;
}

export interface MitigationFilter {
  service?: string;
  incidentId?: string;
  /** Only mitigations not lifted and not expired at this time. */
  inForceAt?: string;
  limit?: number;
}

export interface MitigationRepo {
  create(mitigation: Mitigation): Promise<Mitigation>;
  get(id: string): Promise<Mitigation | undefined>;
  list(filter?: MitigationFilter): Promise<Mitigation[]>;
  /** Marks lifted if not already; returns undefined when it was already lifted or does not exist. */
  lift(id: string, liftedAt: string, liftedBy: string): Promise<Mitigation | undefined>;
}

export interface PostmortemRepo {
  create(postmortem: Postmortem): Promise<Postmortem>;
  get(incidentId: string): Promise<Postmortem | undefined>;
  update(postmortem: Postmortem): Promise<Postmortem>;
  /** Open post-mortems due before `now`. */
  listDue(now: string): Promise<Postmortem[]>;
}

export interface AuditRepo {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  list(options?: { limit?: number; actor?: string; target?: string }): Promise<AuditEntry[]>;
}

export interface ApiKeyRepo {
  create(key: ApiKey): Promise<ApiKey>;
  findByHash(hash: string): Promise<ApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  revoke(id: string, revokedAt: string): Promise<ApiKey | undefined>;
}

/** The repositories, bound to one connection or one transaction. */
export interface StoreRepos {
  incidents: IncidentRepo;
  timeline: TimelineRepo;
  checklist: ChecklistRepo;
  mitigations: MitigationRepo;
  postmortems: PostmortemRepo;
  audit: AuditRepo;
  apiKeys: ApiKeyRepo;
}

export type StoreEngine = 'sqlite' | 'postgres';

export interface Store extends StoreRepos {
  readonly engine: StoreEngine;
  /** Runs `work` in one transaction: all of its writes land together or none do. */
  transaction<T>(work: (tx: StoreRepos) => Promise<T>): Promise<T>;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
