import { sql, type Kysely, type Migration } from 'kysely';
import type { ColumnTypes } from './column-types.js';

/**
 * When a temporary mitigation's expiry was noted (its timeline entry and `mitigation_expired` notice). The
 * column is the claim: the desk that sets it from null writes the entry, so several desks on one database note
 * each expiry once. Mitigations that had already expired before this migration are marked noted, so an upgrade
 * does not announce months of old expiries.
 */
export function mitigationExpiryMigration(types: ColumnTypes): Migration {
  const { time } = types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('mitigations').addColumn('expiry_noted_at', time).execute();
      const now = new Date().toISOString();
      await sql`update mitigations set expiry_noted_at = expires_at
        where expires_at is not null and expires_at <= ${now} and lifted_at is null`.execute(db);
      await db.schema
        .createIndex('mitigations_expiry_unnoted')
        .on('mitigations')
        .column('expires_at')
        .where(sql.ref('expiry_noted_at'), 'is', null)
        .execute();
    },
  };
}
