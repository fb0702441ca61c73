import type { Kysely, Selectable } from 'kysely';
import type { MonitorResult, MonitorResultRepo, NewMonitorResult } from '../ports.js';
import { fromJsonText, listLimit, toJsonText } from './json-text.js';
import type { Database, MonitorResultsTable } from './schema.js';

function toResult(row: Selectable<MonitorResultsTable>): MonitorResult {
  return {
    id: Number(row.id),
    service: row.service,
    monitor: row.monitor,
    at: row.at,
    ok: Number(row.ok) === 1,
    status: row.status === null ? null : Number(row.status),
    latencyMs: Number(row.latency_ms),
    failures: fromJsonText<string[]>(row.failures),
    source: row.source,
  };
}

export class KyselyMonitorResultRepo implements MonitorResultRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async record(r: NewMonitorResult, keep: number): Promise<MonitorResult> {
    const row = await this.db
      .insertInto('monitor_results')
      .values({
        service: r.service,
        monitor: r.monitor,
        at: r.at,
        ok: r.ok ? 1 : 0,
        status: r.status,
        latency_ms: Math.max(0, Math.round(r.latencyMs)),
        failures: toJsonText(r.failures),
        source: r.source,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // Retention by count, per monitor: everything older than the newest `keep` rows goes.
    const cutoff = await this.db
      .selectFrom('monitor_results')
      .select('id')
      .where('service', '=', r.service)
      .where('monitor', '=', r.monitor)
      .orderBy('id', 'desc')
      .offset(Math.max(1, Math.floor(keep)))
      .limit(1)
      .executeTakeFirst();
    if (cutoff) {
      await this.db
        .deleteFrom('monitor_results')
        .where('service', '=', r.service)
        .where('monitor', '=', r.monitor)
        .where('id', '<=', cutoff.id)
        .execute();
    }
    return toResult(row);
  }

  async list(service: string, monitor: string, options: { limit?: number } = {}): Promise<MonitorResult[]> {
    const rows = await this.db
      .selectFrom('monitor_results')
      .selectAll()
      .where('service', '=', service)
      .where('monitor', '=', monitor)
      .orderBy('id', 'desc')
      .limit(listLimit(options.limit, 100))
      .execute();
    return rows.map(toResult);
  }

  async latest(service: string, monitor: string): Promise<MonitorResult | undefined> {
    return (await this.list(service, monitor, { limit: 1 }))[0];
  }
}
