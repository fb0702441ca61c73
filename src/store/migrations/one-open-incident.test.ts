import { afterAll, describe, expect, it } from 'vitest';
import { contractEngines } from '../testing/contract-engines.js';
import { migratePartly, rawDatabase } from '../testing/partial-migration.js';
import { migrateToLatest } from './migrate-to-latest.js';

describe.each(await contractEngines())('migration 0004 on an existing $name database', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('gives open incidents the key their next signal will look for, and keeps the newest of duplicates', async () => {
    const target = await engine.create();
    cleanups.push(() => target.drop());
    const db = await rawDatabase(engine, target);
    cleanups.push(() => db.destroy());
    await migratePartly(db, engine, (n) => n < '0004', 'to 0003');

    const at = '2026-01-05T10:00:00.000Z';
    const incident = async (fingerprint: string | null, type: string | null, status: string) => {
      const row = await db
        .insertInto('incidents')
        .values({
          title: 't',
          service: 'guest-api',
          severity: 'SEV-2',
          severity_rank: 2,
          status: status as 'triggered',
          fingerprint,
          type,
          commander: null,
          scope: '{}',
          created_at: at,
          updated_at: at,
          acknowledged_at: null,
          mitigated_at: null,
          resolved_at: null,
          closed_at: null,
        } as never)
        .returning('seq')
        .executeTakeFirstOrThrow();
      if (fingerprint !== null)
        await db
          .insertInto('timeline')
          .values({
            incident_seq: row.seq,
            at,
            actor: 'detector',
            kind: 'signal',
            summary: 's',
            data: JSON.stringify({ rule: 'token-enumeration', groupKey: '203.0.113.0/24' }),
          })
          .execute();
      return row.seq;
    };
    const fp = 'guest-api:token-enumeration:203.0.113.0/24';
    // The break this migration ends: two open incidents for one attack, opened by two desks.
    const older = await incident(fp, 'brute-force', 'triggered');
    const newer = await incident(fp, 'brute-force', 'acknowledged');
    const untyped = await incident('guest-api:monitor:gallery', null, 'triggered');
    const resolved = await incident(fp, 'brute-force', 'resolved');
    const byHand = await incident(null, null, 'triggered');

    // 0004 runs first; later migrations (0005 onwards) touch only their own tables.
    expect((await migrateToLatest(db, engine.name))[0]).toBe('0004-one-open-incident');
    const keys = Object.fromEntries(
      (await db.selectFrom('incidents').select(['seq', 'correlation_key']).execute()).map((r) => [
        r.seq,
        r.correlation_key,
      ]),
    );
    expect(keys).toEqual({
      [older]: null,
      [newer]: 'type:brute-force:203.0.113.0/24',
      [untyped]: 'fingerprint:guest-api:monitor:gallery',
      [resolved]: null,
      [byHand]: null,
    });
  });
});
