import type { ApiKey } from '../domain/api-key.js';
import type { AuditEntry, NewAuditEntry } from '../domain/audit.js';
import type {
  Bouncer,
  EnforcementPointKind,
  EnforcementRecord,
  EnforcementState,
} from '../domain/enforcement.js';
import type { ChecklistItem, ChecklistStatus } from '../domain/checklist.js';
import type { Incident } from '../domain/incident.js';
import type { IncidentStatus } from '../domain/incident-status.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { Postmortem } from '../domain/postmortem.js';
import type { IncidentScope } from '../domain/scope.js';
import type { NewTimelineEntry, TimelineEntry, TimelineKind } from '../domain/timeline.js';

/**
 * The store's ports. The desk, API and CLI use only these; the SQLite and PostgreSQL adapters implement them
 * with the same Kysely queries. All times are ISO-8601 UTC strings.
 */

export type NewIncident = Omit<
  Incident,
  'id' | 'updatedAt' | 'acknowledgedAt' | 'mitigatedAt' | 'resolvedAt' | 'closedAt' | 'correlationKey'
> & { correlationKey?: string | null };

export interface IncidentPatch {
  title?: string;
  severity?: string;
  severityRank?: number;
  status?: IncidentStatus;
  commander?: string | null;
  correlationKey?: string | null;
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
  /** Newest first by default; "severity": most severe first, then oldest first (what to look at next). */
  order?: 'newest' | 'oldest' | 'severity';
  /** Skip this many (pages of a bounded list). */
  offset?: number;
}

/**
 * `lock`: inside a transaction, the row stays locked until it ends (FOR UPDATE on PostgreSQL; SQLite's write
 * transactions already run one at a time), so two desks changing one incident at once take turns and the
 * second sees what the first wrote.
 */
export interface LockOption {
  lock?: boolean;
}

export interface IncidentRepo {
  /** Inserts; fails if another open incident of the service holds the same correlation key. */
  create(incident: NewIncident): Promise<Incident>;
  /**
   * Inserts unless an open incident of the service already holds the new one's correlation key; undefined then
   * (the caller joins that one). The database decides: of two desks opening at once, one insert wins.
   */
  createUnlessKeyTaken(incident: NewIncident): Promise<Incident | undefined>;
  get(id: string, options?: LockOption): Promise<Incident | undefined>;
  list(filter?: IncidentFilter): Promise<Incident[]>;
  /** How many incidents there are per status and severity: one grouped count, whatever the table's size. */
  countByStatusAndSeverity(filter?: { service?: string }): Promise<IncidentCount[]>;
  /** The open incident (not resolved/closed) of this service with this fingerprint, if any. */
  findOpenByFingerprint(service: string, fingerprint: string): Promise<Incident | undefined>;
  /** The open incident of this service holding this correlation key (there is at most one). */
  findOpenByKey(service: string, key: string, options?: LockOption): Promise<Incident | undefined>;
  /**
   * Conditional update: applies the patch only while the incident still has `expectedStatus`, so two
   * responders acting at once cannot both win. Returns the updated incident, or undefined when the
   * condition failed (the caller re-reads and reports the conflict).
   */
  update(id: string, patch: IncidentPatch, expectedStatus?: IncidentStatus): Promise<Incident | undefined>;
}

export interface TimelineListOptions {
  limit?: number;
  afterId?: number;
  kinds?: TimelineKind[];
  /** Oldest first by default. */
  newestFirst?: boolean;
}

export interface IncidentCount {
  status: IncidentStatus;
  severity: string;
  severityRank: number;
  count: number;
}

export interface TimelineRepo {
  append(entry: NewTimelineEntry): Promise<TimelineEntry>;
  list(incidentId: string, options?: TimelineListOptions): Promise<TimelineEntry[]>;
  count(incidentId: string): Promise<number>;
  /** Newest first, across incidents unless one is named: the overview's recent signals, the last update. */
  recent(options: {
    incidentId?: string;
    kinds?: readonly TimelineKind[];
    limit: number;
    /** Only entries with a smaller id (the next page). */
    beforeId?: number;
  }): Promise<TimelineEntry[]>;
  /** The newest entry's id (0 when there is none): a cheap "has anything changed?" for live views. */
  lastId(): Promise<number>;
}

export interface ChecklistRepo {
  insertMany(items: ChecklistItem[]): Promise<void>;
  list(incidentId: string): Promise<ChecklistItem[]>;
  get(incidentId: string, stepId: string): Promise<ChecklistItem | undefined>;
  /**
   * Sets a step's status; with `expected`, only while the step still has that status (undefined otherwise), so
   * of two desks ticking the same automatic step at once exactly one records it.
   */
  setStatus(
    incidentId: string,
    stepId: string,
    change: {
      status: ChecklistStatus;
      completedAt: string | null;
      completedBy: string | null;
      note: string | null;
    },
    expected?: ChecklistStatus,
  ): Promise<ChecklistItem | undefined>;
  /** Pending steps whose deadline is before `now`, across incidents (for time-box reminders). */
  listOverdue(now: string, limit?: number): Promise<ChecklistItem[]>;
}

export interface MitigationFilter {
  service?: string;
  incidentId?: string;
  /** Only this kind on this target (a repeat offender's earlier mitigations). */
  kind?: Mitigation['kind'];
  target?: string;
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
  /** Moves the expiry of a mitigation that is not lifted; undefined when it was lifted or does not exist. */
  extend(id: string, expiresAt: string | null): Promise<Mitigation | undefined>;
  /** Not lifted, expired at `at`, and not yet noted; oldest expiry first. */
  listExpiredUnnoted(at: string, limit: number): Promise<Mitigation[]>;
  /**
   * Claims the noting of one expiry: marks it noted if it still expires at `expiresAt` (not extended since),
   * that time has passed at `at`, and nobody noted it; undefined otherwise.
   */
  noteExpiry(id: string, expiresAt: string, at: string): Promise<Mitigation | undefined>;
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
  list(options?: { limit?: number; actor?: string; target?: string; action?: string }): Promise<AuditEntry[]>;
}

/**
 * A console sign-in: the API key it was made from, and until when it holds. Only the SHA-256 of the session's
 * secret is stored; the secret itself lives in the browser's HttpOnly cookie.
 */
export interface ConsoleSession {
  idHash: string;
  keyId: string;
  createdAt: string;
  expiresAt: string;
}

export interface ConsoleSessionRepo {
  create(session: ConsoleSession): Promise<ConsoleSession>;
  get(idHash: string): Promise<ConsoleSession | undefined>;
  delete(idHash: string): Promise<boolean>;
  /** Removes expired sessions, and a key's oldest beyond `keepPerKey` (the bound on sessions per key). */
  prune(now: string, keyId: string, keepPerKey: number): Promise<number>;
  count(): Promise<number>;
}

export interface ApiKeyRepo {
  create(key: ApiKey): Promise<ApiKey>;
  findByHash(hash: string): Promise<ApiKey | undefined>;
  get(id: string): Promise<ApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  revoke(id: string, revokedAt: string): Promise<ApiKey | undefined>;
}

/**
 * The notification outbox. `held` waits for a person's approval, `pending` waits for its next attempt,
 * `sending` is claimed by one dispatcher until its lease ends, `delivered` and `failed` are final.
 */
export type OutboxStatus = 'held' | 'pending' | 'sending' | 'delivered' | 'failed';

export interface OutboxMessage {
  id: number;
  /** Unique: the same event for the same audience and channel is never enqueued twice. */
  dedupKey: string;
  incidentId: string | null;
  service: string;
  audience: string;
  /** Channel kind: slack, pagerduty, webhook, email. */
  channel: string;
  /** Where to send, by reference only (environment variable names, tenant ids): never a secret. */
  target: Record<string, unknown>;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export type NewOutboxMessage = Pick<
  OutboxMessage,
  | 'dedupKey'
  | 'incidentId'
  | 'service'
  | 'audience'
  | 'channel'
  | 'target'
  | 'payload'
  | 'nextAttemptAt'
  | 'createdAt'
> & { status: 'held' | 'pending' };

export interface OutboxFilter {
  incidentId?: string;
  status?: OutboxStatus[];
  limit?: number;
}

/** What a dispatcher learned from one attempt. */
export type OutboxOutcome =
  | { status: 'delivered'; at: string }
  | { status: 'pending'; at: string; nextAttemptAt: string; error: string }
  | { status: 'failed'; at: string; error: string };

export interface OutboxRepo {
  /** Inserts unless a message with the same dedup key exists; returns undefined for such a duplicate. */
  enqueue(message: NewOutboxMessage): Promise<OutboxMessage | undefined>;
  get(id: number): Promise<OutboxMessage | undefined>;
  /** Oldest first. */
  list(filter?: OutboxFilter): Promise<OutboxMessage[]>;
  /**
   * Claims the next due message for `owner` until `leaseUntil`: a pending one whose next attempt is not after
   * `now`, or a sending one whose lease has run out (its dispatcher died). Messages of one incident to one
   * audience, channel and target go out in order: one is not due while an earlier one is still pending or
   * sending (a PagerDuty resolve never overtakes its trigger). The claim is a conditional UPDATE, so of two
   * dispatchers racing for a message exactly one gets it. A claim counts as an attempt.
   */
  claimNext(now: string, owner: string, leaseUntil: string): Promise<OutboxMessage | undefined>;
  /**
   * Extends the lease while `owner` still holds the message (a slow receiver is being waited on); false when the
   * lease was lost, i.e. another dispatcher took the message after it ran out.
   */
  renewLease(id: number, owner: string, leaseUntil: string): Promise<boolean>;
  /** Records an attempt's outcome, only while `owner` still holds the message; undefined when it does not. */
  complete(id: number, owner: string, outcome: OutboxOutcome): Promise<OutboxMessage | undefined>;
  /** Releases a held message for sending (held → pending); undefined when it is not held. */
  approve(id: number, at: string): Promise<OutboxMessage | undefined>;
}

/** Where a monitor run came from: its own interval, a routine, or a person (CLI/API). */
/** 'incident': run for an incident's `availability-check` step when it opened. */
export type MonitorRunSource = 'schedule' | 'routine' | 'manual' | 'incident';

/** One synthetic check's outcome. Never holds the request's URL or headers (they may carry a token). */
export interface MonitorResult {
  id: number;
  service: string;
  monitor: string;
  at: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Each failed assertion in words: "expected status 200, got 503", "header ratelimit missing". */
  failures: string[];
  source: MonitorRunSource;
}

export type NewMonitorResult = Omit<MonitorResult, 'id'>;

export interface MonitorResultRepo {
  /** Stores a result and keeps only the newest `keep` of that monitor, so the table stays bounded. */
  record(result: NewMonitorResult, keep: number): Promise<MonitorResult>;
  /** Newest first. */
  list(service: string, monitor: string, options?: { limit?: number }): Promise<MonitorResult[]>;
  latest(service: string, monitor: string): Promise<MonitorResult | undefined>;
}

/** One due occurrence of a routine or review reminder; unique per (service, name, occurrence). */
export interface RoutineRun {
  id: number;
  service: string;
  name: string;
  occurrence: string;
  startedAt: string;
  finishedAt: string | null;
  /** "reminded" (no monitor), "pass" or "fail" (its monitor's result); null while it runs. */
  outcome: string | null;
  detail: string | null;
}

export interface RoutineRunRepo {
  /** Claims the occurrence; undefined when another run (this desk earlier, or another desk) already has it. */
  claim(run: {
    service: string;
    name: string;
    occurrence: string;
    startedAt: string;
  }): Promise<RoutineRun | undefined>;
  finish(
    id: number,
    result: { finishedAt: string; outcome: string; detail: string | null },
  ): Promise<RoutineRun | undefined>;
  /** The run of the latest occurrence. */
  latest(service: string, name: string): Promise<RoutineRun | undefined>;
}

export interface BouncerRepo {
  create(bouncer: Bouncer): Promise<Bouncer>;
  /** Every bouncer (there are few: one per proxy or firewall), oldest first. */
  list(): Promise<Bouncer[]>;
  /** Removes the bouncer by name or id; its key stops working at once. Undefined when there is none. */
  delete(nameOrId: string): Promise<Bouncer | undefined>;
  recordPull(id: string, at: string, userAgent: string | null): Promise<void>;
  /** Blocks of these services in force at `now` (a bouncer's startup pull). */
  activeBlocks(services: readonly string[], now: string): Promise<Mitigation[]>;
  /** Blocks in force at `now` that were created after `since` (a bouncer's delta pull). */
  blocksCreatedSince(services: readonly string[], since: string, now: string): Promise<Mitigation[]>;
  /** Blocks lifted or expired in (from, to]. */
  blocksEndedBetween(services: readonly string[], from: string, to: string): Promise<Mitigation[]>;
}

export interface EnforcementAck {
  mitigationId: string;
  pointKind: EnforcementPointKind;
  pointName: string;
  at: string;
  detail?: string | null;
}

export interface EnforcementRepo {
  /** The point has the mitigation: recorded once with its first time, refreshed (and re-opened) after. */
  acknowledge(ack: EnforcementAck): Promise<void>;
  /**
   * Claims a point's run for a mitigation (state pending); false when a record exists already, i.e. another
   * desk (or this one, earlier) has run or is running it. The primary key decides.
   */
  claim(ack: EnforcementAck): Promise<boolean>;
  /** Records how a claimed run ended (enforcing or failed). */
  settle(ack: EnforcementAck & { state: Exclude<EnforcementState, 'removed'> }): Promise<void>;
  /** Ends the point's hold; false when it had already ended (only one desk runs a lift). */
  release(ack: EnforcementAck): Promise<boolean>;
  /**
   * The point was heard from (a bouncer's pull, a running gateway's heartbeat): its enforcing holds are
   * refreshed (those not refreshed in the last 10 s), so they do not read as stale. Returns how many.
   */
  touchPoint(pointKind: EnforcementPointKind, pointName: string, at: string): Promise<number>;
  /** Ends every hold of one point (a bouncer deleted, a gateway stopped); returns how many ended. */
  releasePoint(pointKind: EnforcementPointKind, pointName: string, at: string): Promise<number>;
  /** The records of these mitigations. */
  list(mitigationIds: readonly string[]): Promise<EnforcementRecord[]>;
  /** Records of this kind of point that have not ended, oldest first (bounded). */
  listOpen(pointKind: EnforcementPointKind, limit?: number): Promise<EnforcementRecord[]>;
  /** Marks a mitigation as covered by no point; false when it was marked already. */
  markUnenforced(mitigationId: string, at: string): Promise<boolean>;
  /** Of these mitigations, the ones marked as covered by no point. */
  listUnenforced(mitigationIds: readonly string[]): Promise<string[]>;
}

/** Requests a mitigation refused, added by the gateways that enforce it. */
export interface RefusalCount {
  mitigationId: string;
  refused: number;
  lastRefusedAt: string | null;
}

/** What the operators' health and metrics read and the gateways' counts write (src/app/health, metrics). */
export interface ControlsRepo {
  /** Adds each delta to its mitigation's total (creating the row on the first refusal). */
  addRefusals(deltas: readonly { mitigationId: string; count: number; at: string }[]): Promise<void>;
  /** Totals for these mitigations; ones that refused nothing are absent. */
  refusals(mitigationIds: readonly string[]): Promise<Map<string, RefusalCount>>;
  /** Outbox messages waiting (pending or sending), given up on (failed), and the oldest waiting one's creation. */
  outboxSummary(): Promise<{ pending: number; failed: number; oldestPendingAt: string | null }>;
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
  outbox: OutboxRepo;
  monitorResults: MonitorResultRepo;
  routineRuns: RoutineRunRepo;
  consoleSessions: ConsoleSessionRepo;
  bouncers: BouncerRepo;
  enforcement: EnforcementRepo;
  controls: ControlsRepo;
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
