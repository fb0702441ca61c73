import { afterAll, describe, expect, it } from 'vitest';
import { contractEngines } from '../testing/contract-engines.js';
import { migratePartly, rawDatabase } from '../testing/partial-migration.js';
import { migrateToLatest } from './migrate-to-latest.js';

describe.each(await contractEngines())('migration 0005 on an existing $name database', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('runs after 0006 already ran, and leaves the bouncers and enforcement tables ready', async () => {
    const target = await engine.create();
    cleanups.push(() => target.drop());
    const db = await rawDatabase(engine, target);
    cleanups.push(() => db.destroy());
    await migratePartly(db, engine, (n) => n !== '0005-enforcement', 'without 0005');

    expect(await migrateToLatest(db, engine.name)).toEqual(['0005-enforcement']);
    expect(await migrateToLatest(db, engine.name)).toEqual([]);
    await db
      .insertInto('bouncers')
      .values({
        id: 'bnc-1',
        name: 'edge',
        key_hash: 'h',
        preview: 'rb_x',
        created_at: '2026-01-05T10:00:00.000Z',
        last_pull_at: null,
        user_agent: null,
      })
      .execute();
    expect(await db.selectFrom('bouncers').select('name').execute()).toEqual([{ name: 'edge' }]);
    expect(await db.selectFrom('mitigation_enforcement').selectAll().execute()).toEqual([]);
  });
});
