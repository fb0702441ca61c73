import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, NewAuditEntry } from '../../domain/audit.js';
import type { AuditRepo } from '../ports.js';
import { fromJsonText, listLimit, toJsonText } from './json-text.js';
import type { AuditTable, Database } from './schema.js';

function toAuditEntry(row: Selectable<AuditTable>): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: fromJsonText<Record<string, unknown>>(row.details),
  };
}

export class KyselyAuditRepo implements AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = await this.db
      .insertInto('audit')
      .values({
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        details: toJsonText(entry.details),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAuditEntry(row);
  }

  /** Newest first (by id, i.e. append order); at most 1,000 unless a limit says otherwise. */
  async list(
    options: { limit?: number; actor?: string; target?: string; action?: string } = {},
  ): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit').selectAll();
    if (options.action !== undefined) query = query.where('action', '=', options.action);
    if (options.actor !== undefined) query = query.where('actor', '=', options.actor);
    if (options.target !== undefined) query = query.where('target', '=', options.target);
    const rows = await query.orderBy('id', 'desc').limit(listLimit(options.limit)).execute();
    return rows.map(toAuditEntry);
  }
}
