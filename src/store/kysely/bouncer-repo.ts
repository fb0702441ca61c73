import type { Kysely, Selectable } from 'kysely';
import type { Bouncer } from '../../domain/enforcement.js';
import type { Mitigation } from '../../domain/mitigation.js';
import type { BouncerRepo } from '../ports.js';
import { MAX_LIST_LIMIT } from './json-text.js';
import { toMitigation } from './mitigation-repo.js';
import type { BouncersTable, Database } from './schema.js';

function toBouncer(row: Selectable<BouncersTable>): Bouncer {
  return {
    id: row.id,
    name: row.name,
    keyHash: row.key_hash,
    preview: row.preview,
    createdAt: row.created_at,
    lastPullAt: row.last_pull_at,
    userAgent: row.user_agent,
  };
}

/** What one pull may carry: CrowdSec's own LAPI pages at 30 000; a pull beyond this is cut, oldest first. */
const MAX_DECISIONS = MAX_LIST_LIMIT;

export class KyselyBouncerRepo implements BouncerRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(b: Bouncer): Promise<Bouncer> {
    const row = await this.db
      .insertInto('bouncers')
      .values({
        id: b.id,
        name: b.name,
        key_hash: b.keyHash,
        preview: b.preview,
        created_at: b.createdAt,
        last_pull_at: b.lastPullAt,
        user_agent: b.userAgent,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBouncer(row);
  }

  async list(): Promise<Bouncer[]> {
    const rows = await this.db
      .selectFrom('bouncers')
      .selectAll()
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(MAX_LIST_LIMIT)
      .execute();
    return rows.map(toBouncer);
  }

  async delete(nameOrId: string): Promise<Bouncer | undefined> {
    const row = await this.db
      .deleteFrom('bouncers')
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
      .returningAll()
      .executeTakeFirst();
    return row && toBouncer(row);
  }

  async recordPull(id: string, at: string, userAgent: string | null): Promise<void> {
    await this.db
      .updateTable('bouncers')
      .set({ last_pull_at: at, user_agent: userAgent })
      .where('id', '=', id)
      .execute();
  }

  private blocks(services: readonly string[]) {
    return this.db
      .selectFrom('mitigations')
      .selectAll()
      .where('kind', '=', 'block')
      .where('service', 'in', [...services]);
  }

  async activeBlocks(services: readonly string[], now: string): Promise<Mitigation[]> {
    return this.blocksInForce(services, now, null);
  }

  async blocksCreatedSince(services: readonly string[], since: string, now: string): Promise<Mitigation[]> {
    return this.blocksInForce(services, now, since);
  }

  /** Blocks in force at `now`, oldest first (created after `since` when given), at most MAX_DECISIONS. */
  private async blocksInForce(services: readonly string[], now: string, since: string | null): Promise<Mitigation[]> {
    if (services.length === 0) return [];
    let query = this.blocks(services);
    if (since !== null) query = query.where('created_at', '>', since);
    const rows = await query
      .where('lifted_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(MAX_DECISIONS)
      .execute();
    return rows.map(toMitigation);
  }

  async blocksEndedBetween(services: readonly string[], from: string, to: string): Promise<Mitigation[]> {
    if (services.length === 0) return [];
    const rows = await this.blocks(services)
      .where((eb) =>
        eb.or([
          eb.and([eb('lifted_at', '>', from), eb('lifted_at', '<=', to)]),
          eb.and([eb('lifted_at', 'is', null), eb('expires_at', '>', from), eb('expires_at', '<=', to)]),
        ]),
      )
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(MAX_DECISIONS)
      .execute();
    return rows.map(toMitigation);
  }
}
