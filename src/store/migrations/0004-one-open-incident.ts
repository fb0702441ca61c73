import { sql, type Kysely, type Migration, type SqlBool } from 'kysely';

/** Statuses in which an incident is open, as the index predicate and the store's queries spell it. */
export const OPEN_INCIDENT_PREDICATE = sql<SqlBool>`status not in ('resolved', 'closed')`;

interface OpenRow {
  seq: number;
  service: string;
  fingerprint: string;
  type: string | null;
}

/**
 * Many desks, one truth: at most one open incident per service and correlation key, enforced by a partial unique
 * index on both engines (NULL keys never conflict, so incidents opened by hand without a fingerprint are free).
 *
 * Open incidents get the key the desk would now compute for them, so the next signal of an attack that is
 * already open joins it. The formula is written out here, not imported, because a shipped migration must not
 * change when the application's code does: `type:<type>:<group key of its first signal>` when it has a type
 * and its first signal named a group key, else `fingerprint:<fingerprint>`. Where duplicates are already open
 * (what this migration exists to stop), the newest keeps the key, as the old lookup joined the newest.
 */
export function oneOpenIncidentMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('incidents').addColumn('correlation_key', 'text').execute();

      const open = await sql<OpenRow>`
        select seq, service, fingerprint, type from incidents
        where fingerprint is not null and ${OPEN_INCIDENT_PREDICATE}
        order by seq desc`.execute(db);
      const taken = new Set<string>();
      for (const row of open.rows) {
        let key = `fingerprint:${row.fingerprint}`;
        if (row.type !== null) {
          const first = await sql<{ data: string }>`
            select data from timeline where incident_seq = ${row.seq} and kind = 'signal'
            order by id asc limit 1`.execute(db);
          const groupKey = groupKeyOf(first.rows[0]?.data);
          if (groupKey) key = `type:${row.type}:${groupKey}`;
        }
        const slot = JSON.stringify([row.service, key]);
        if (taken.has(slot)) continue;
        taken.add(slot);
        await sql`update incidents set correlation_key = ${key} where seq = ${row.seq}`.execute(db);
      }

      await db.schema
        .createIndex('incidents_one_open_per_key')
        .on('incidents')
        .columns(['service', 'correlation_key'])
        .unique()
        .where(OPEN_INCIDENT_PREDICATE)
        .execute();
    },
  };
}

function groupKeyOf(data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  try {
    const value = (JSON.parse(data) as { groupKey?: unknown }).groupKey;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
