import type { Kysely, Selectable } from 'kysely';
import type { ConsoleSession, ConsoleSessionRepo } from '../ports.js';
import type { ConsoleSessionsTable, Database } from './schema.js';

function toSession(row: Selectable<ConsoleSessionsTable>): ConsoleSession {
  return { idHash: row.id_hash, keyId: row.key_id, createdAt: row.created_at, expiresAt: row.expires_at };
}

export class KyselyConsoleSessionRepo implements ConsoleSessionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: ConsoleSession): Promise<ConsoleSession> {
    const row = await this.db
      .insertInto('console_sessions')
      .values({
        id_hash: session.idHash,
        key_id: session.keyId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSession(row);
  }

  /** Exact match on the hash (primary key): the hash is not the secret, so SQL may compare it. */
  async get(idHash: string): Promise<ConsoleSession | undefined> {
    const row = await this.db
      .selectFrom('console_sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return row && toSession(row);
  }

  async delete(idHash: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('console_sessions')
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async prune(now: string, keyId: string, keepPerKey: number): Promise<number> {
    const expired = await this.db
      .deleteFrom('console_sessions')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    const keep = this.db
      .selectFrom('console_sessions')
      .select('id_hash')
      .where('key_id', '=', keyId)
      .orderBy('created_at', 'desc')
      .orderBy('id_hash', 'desc')
      .limit(keepPerKey);
    const excess = await this.db
      .deleteFrom('console_sessions')
      .where('key_id', '=', keyId)
      .where('id_hash', 'not in', keep)
      .executeTakeFirst();
    return Number(expired.numDeletedRows) + Number(excess.numDeletedRows);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('console_sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
