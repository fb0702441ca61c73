import { afterAll, describe, expect, it } from 'vitest';
import { KyselyMitigationRepo } from '../kysely/mitigation-repo.js';
import { contractEngines } from '../testing/contract-engines.js';
import { migratePartly, rawDatabase } from '../testing/partial-migration.js';
import { migrateToLatest } from './migrate-to-latest.js';

describe.each(await contractEngines())('migration 0009 on an existing $name database', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('does not announce mitigations that expired before the upgrade, and does announce later ones', async () => {
    const target = await engine.create();
    cleanups.push(() => target.drop());
    const db = await rawDatabase(engine, target);
    cleanups.push(() => db.destroy());
    await migratePartly(db, engine, (n) => n < '0009', 'before 0009');
    const row = (id: string, expiresAt: string | null) => ({
      id,
      service: 'guest-api',
      kind: 'block' as const,
      target: '203.0.113.7',
      reason: 'r',
      author: 'detector',
      incident_seq: null,
      created_at: '2020-01-01T00:00:00.000Z',
      expires_at: expiresAt,
      lifted_at: null,
      lifted_by: null,
      data: '{}',
    });
    await db
      .insertInto('mitigations')
      .values([row('mit-old', '2020-01-01T01:00:00.000Z'), row('mit-later', '2999-01-01T00:00:00.000Z')])
      .execute();

    expect(await migrateToLatest(db, engine.name)).toEqual(['0009-mitigation-expiry']);
    const repo = new KyselyMitigationRepo(db);
    const due = await repo.listExpiredUnnoted('2999-06-01T00:00:00.000Z', 10);
    expect(due.map((m) => m.id)).toEqual(['mit-later']);
  });
});
