import { sql, type Kysely } from 'kysely';
import type { Store, StoreEngine, StoreRepos } from '../ports.js';
import { KyselyApiKeyRepo } from './api-key-repo.js';
import { KyselyAuditRepo } from './audit-repo.js';
import { KyselyChecklistRepo } from './checklist-repo.js';
import { KyselyConsoleSessionRepo } from './console-session-repo.js';
import { KyselyControlsRepo } from './controls-repo.js';
import { KyselyIncidentRepo } from './incident-repo.js';
import { KyselyMitigationRepo } from './mitigation-repo.js';
import { KyselyMonitorResultRepo } from './monitor-result-repo.js';
import { KyselyOutboxRepo } from './outbox-repo.js';
import { KyselyPostmortemRepo } from './postmortem-repo.js';
import { KyselyRoutineRunRepo } from './routine-run-repo.js';
import type { Database } from './schema.js';
import { KyselyTimelineRepo } from './timeline-repo.js';

/** The repositories bound to a connection pool or to one transaction (a Transaction is a Kysely). */
export function kyselyRepos(db: Kysely<Database>, engine: StoreEngine): StoreRepos {
  return {
    incidents: new KyselyIncidentRepo(db, engine),
    timeline: new KyselyTimelineRepo(db),
    checklist: new KyselyChecklistRepo(db),
    mitigations: new KyselyMitigationRepo(db),
    postmortems: new KyselyPostmortemRepo(db),
    audit: new KyselyAuditRepo(db),
    apiKeys: new KyselyApiKeyRepo(db),
    outbox: new KyselyOutboxRepo(db),
    monitorResults: new KyselyMonitorResultRepo(db),
    routineRuns: new KyselyRoutineRunRepo(db),
    consoleSessions: new KyselyConsoleSessionRepo(db),
    controls: new KyselyControlsRepo(db),
  };
}

/** One Store for both engines: the dialect is the only difference, chosen by whoever opened `db`. */
export class KyselyStore implements Store {
  readonly incidents;
  readonly timeline;
  readonly checklist;
  readonly mitigations;
  readonly postmortems;
  readonly audit;
  readonly apiKeys;
  readonly outbox;
  readonly monitorResults;
  readonly routineRuns;
  readonly consoleSessions;
  readonly controls;
  private closed = false;

  constructor(
    readonly engine: StoreEngine,
    readonly db: Kysely<Database>,
  ) {
    const repos = kyselyRepos(db, engine);
    this.incidents = repos.incidents;
    this.timeline = repos.timeline;
    this.checklist = repos.checklist;
    this.mitigations = repos.mitigations;
    this.postmortems = repos.postmortems;
    this.audit = repos.audit;
    this.apiKeys = repos.apiKeys;
    this.outbox = repos.outbox;
    this.monitorResults = repos.monitorResults;
    this.routineRuns = repos.routineRuns;
    this.consoleSessions = repos.consoleSessions;
    this.controls = repos.controls;
  }

  transaction<T>(work: (tx: StoreRepos) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(kyselyRepos(trx, this.engine)));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}
