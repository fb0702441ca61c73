/**
 * What the API answers, as the console reads it. The records are the server's own domain types (pure types,
 * imported type-only), so a field the desk adds shows up here without a copy to keep in step.
 */
import type { AuditEntry } from '../../../src/domain/audit.js';
import type { Role } from '../../../src/domain/api-key.js';
import type { ChecklistItem } from '../../../src/domain/checklist.js';
import type { Incident } from '../../../src/domain/incident.js';
import type { IncidentStatus } from '../../../src/domain/incident-status.js';
import type { Mitigation } from '../../../src/domain/mitigation.js';
import type { Postmortem } from '../../../src/domain/postmortem.js';
import type { TimelineEntry } from '../../../src/domain/timeline.js';
import type { MonitorResult, OutboxMessage, RoutineRun } from '../../../src/store/ports.js';

export type {
  AuditEntry,
  ChecklistItem,
  Incident,
  IncidentStatus,
  Mitigation,
  MonitorResult,
  OutboxMessage,
  Postmortem,
  Role,
  TimelineEntry,
};

export interface SessionInfo {
  name: string;
  role: Role;
  keyPreview: string;
  expiresAt: string | null;
  csrfToken: string | null;
}

/** One incident as the API's view defines it: each mitigation with who enforces it. */
export type { IncidentAnswer as IncidentView } from '../../../src/api/views/incident.js';

/** A mitigation as the API answers it, with the points that enforce it (the server's definition). */
export type { Covered, MitigationCoverage } from '../../../src/enforcement/coverage-view.js';

export interface IncidentCount {
  status: IncidentStatus;
  severity: string;
  severityRank: number;
  count: number;
}

export interface MonitorState {
  service: string;
  name: string;
  latest: MonitorResult | null;
}

/** The overview's answer, as the API's view defines it (one definition, not a copy). */
export type { OpenIncidentRow, Overview } from '../../../src/api/views/overview.js';

export interface VerificationCheck {
  name: string;
  check: string;
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  ok: boolean;
  checks: VerificationCheck[];
}

export interface SeriesPoint {
  t: number;
  requests: number;
  s4xx: number;
  s5xx: number;
  s429: number;
  denied: number;
  p95Ms: number | null;
}

export interface TrafficAnswer {
  bucketMs: number;
  spanMs: number;
  points: SeriesPoint[];
  routes: { service: string; route: string; requests: number }[];
}

export type { Talker, TopTalkers } from '../../../src/traffic/top-talkers.js';

export interface TokenStat {
  service: string;
  preview: string;
  requests: number;
  denied: number;
  addresses: number;
  prefixes: number;
  capped: boolean;
  firstSeen: number;
  lastSeen: number;
}

export interface ServiceInfo {
  name: string;
  title: string;
  severities: { name: string; rank: number }[];
  defaultSeverity: string;
  checklistPhases: { name: string; timeBoxMs: number; steps: number }[];
}

export interface RoutineStatus {
  service: string;
  name: string;
  title: string;
  every: string;
  owner: string | null;
  monitor: string | null;
  nextDue: string | null;
  last: RoutineRun | undefined;
}
