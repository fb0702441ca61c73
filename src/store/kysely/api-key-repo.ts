import type { Kysely, Selectable } from 'kysely';
import type { ApiKey } from '../../domain/api-key.js';
import type { ApiKeyRepo } from '../ports.js';
import { MAX_LIST_LIMIT } from './json-text.js';
import type { ApiKeysTable, Database } from './schema.js';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    hash: row.hash,
    preview: row.preview,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export class KyselyApiKeyRepo implements ApiKeyRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(key: ApiKey): Promise<ApiKey> {
    const row = await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        name: key.name,
        role: key.role,
        hash: key.hash,
        preview: key.preview,
        created_at: key.createdAt,
        revoked_at: key.revokedAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApiKey(row);
  }

  /**
   * Exact match on the keyed hash (unique index). Returns revoked keys too: the caller decides, and can say
   * "revoked" rather than "unknown". Comparing hashes in SQL is safe: the hash is not the secret.
   */
  async findByHash(hash: string): Promise<ApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row && toApiKey(row);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toApiKey(row);
  }

  async list(): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(MAX_LIST_LIMIT)
      .execute();
    return rows.map(toApiKey);
  }

  /**
   * Idempotent: revoking an already revoked key returns it with its first revocation time unchanged;
   * undefined only for an unknown id.
   */
  async revoke(id: string, revokedAt: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: revokedAt })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return toApiKey(row);
    const existing = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return existing && toApiKey(existing);
  }
}
