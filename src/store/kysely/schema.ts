import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../domain/api-key.js';
import type { ChecklistStatus } from '../../domain/checklist.js';
import type { EnforcementPointKind, EnforcementState } from '../../domain/enforcement.js';
import type { IncidentStatus } from '../../domain/incident-status.js';
import type { MitigationKind } from '../../domain/mitigation.js';
import type { MonitorRunSource, OutboxStatus } from '../ports.js';
import type { PostmortemStatus } from '../../domain/postmortem.js';
import type { TimelineKind } from '../../domain/timeline.js';

/**
 * The tables as Kysely sees them, identical on SQLite and PostgreSQL: times are ISO-8601 text and structured
 * values (scope, data, details, sections, follow-ups) are JSON text, so both engines return the same rows.
 * Child tables point at an incident by its integer `seq`; the public "INC-<seq>" id is derived on read.
 */
export interface Database {
  incidents: IncidentsTable;
  timeline: TimelineTable;
  checklist: ChecklistTable;
  mitigations: MitigationsTable;
  postmortems: PostmortemsTable;
  audit: AuditTable;
  api_keys: ApiKeysTable;
  outbox: OutboxTable;
  monitor_results: MonitorResultsTable;
  routine_runs: RoutineRunsTable;
  console_sessions: ConsoleSessionsTable;
  bouncers: BouncersTable;
  mitigation_enforcement: MitigationEnforcementTable;
  mitigation_coverage: MitigationCoverageTable;
  mitigation_effects: MitigationEffectsTable;
}

/** A JSON document stored as text. */
export type JsonText = string;

export interface IncidentsTable {
  seq: Generated<number>;
  title: string;
  service: string;
  severity: string;
  severity_rank: number;
  status: IncidentStatus;
  fingerprint: string | null;
  /** Which open incident a signal joins (domain/correlation-key.ts); unique among open incidents. */
  correlation_key: string | null;
  type: string | null;
  commander: string | null;
  scope: JsonText;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
}

export interface TimelineTable {
  id: Generated<number>;
  incident_seq: number;
  at: string;
  actor: string;
  kind: TimelineKind;
  summary: string;
  data: JsonText;
}

export interface ChecklistTable {
  incident_seq: number;
  step_id: string;
  phase: string;
  title: string;
  automatic: string | null;
  position: number;
  deadline: string;
  status: ChecklistStatus;
  completed_at: string | null;
  completed_by: string | null;
  note: string | null;
}

export interface MitigationsTable {
  id: string;
  service: string;
  kind: MitigationKind;
  target: string;
  reason: string;
  author: string;
  incident_seq: number | null;
  created_at: string;
  expires_at: string | null;
  lifted_at: string | null;
  lifted_by: string | null;
  data: JsonText;
  /** When the desk noted its expiry (timeline entry, notice); null until then. */
  expiry_noted_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PostmortemsTable {
  incident_seq: ColumnType<number, number, never>;
  status: PostmortemStatus;
  due_at: string;
  created_at: string;
  published_at: string | null;
  sections: JsonText;
  follow_ups: JsonText;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: JsonText;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: Role;
  hash: string;
  preview: string;
  created_at: string;
  revoked_at: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  dedup_key: string;
  incident_seq: number | null;
  service: string;
  audience: string;
  channel: string;
  target: JsonText;
  payload: JsonText;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface MonitorResultsTable {
  id: Generated<number>;
  service: string;
  monitor: string;
  at: string;
  /** 1 or 0: the same integer on both engines. */
  ok: number;
  status: number | null;
  latency_ms: number;
  failures: JsonText;
  source: MonitorRunSource;
}

export interface RoutineRunsTable {
  id: Generated<number>;
  service: string;
  name: string;
  occurrence: string;
  started_at: string;
  finished_at: string | null;
  outcome: string | null;
  detail: string | null;
}

export interface ConsoleSessionsTable {
  id_hash: string;
  key_id: string;
  created_at: string;
  expires_at: string;
}

export interface BouncersTable {
  id: string;
  name: string;
  key_hash: string;
  preview: string;
  created_at: string;
  last_pull_at: string | null;
  user_agent: string | null;
}

export interface MitigationEnforcementTable {
  mitigation_id: string;
  point_kind: EnforcementPointKind;
  point_name: string;
  state: EnforcementState;
  since: string;
  updated_at: string;
  ended_at: string | null;
  detail: string | null;
}

export interface MitigationCoverageTable {
  mitigation_id: string;
  unenforced_at: string;
}

export interface MitigationEffectsTable {
  mitigation_id: string;
  /** bigint: PostgreSQL returns it as a string, SQLite as a number. */
  refused: number | string;
  last_refused_at: string | null;
}
