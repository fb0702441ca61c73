import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely's SQLite dialect with two changes that matter when several processes share one file (the CLI next
 * to `rampart up`):
 * - transactions start with BEGIN IMMEDIATE, taking the write lock up front. A plain BEGIN takes it on the
 *   first write, and if another process wrote in between SQLite fails with SQLITE_BUSY at once, without
 *   waiting for busy_timeout. Immediate transactions wait their turn instead.
 * - migrations run inside such a transaction (SQLite does support transactional DDL), so two processes
 *   opening a fresh file at once apply each migration once, and a failed migration leaves nothing behind.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
