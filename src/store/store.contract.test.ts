import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyStore } from './kysely/kysely-store.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { openStore } from './open-store.js';
import type { Store } from './ports.js';
import { contractEngines, type EngineTarget } from './testing/contract-engines.js';
import { T0, newIncident, unique } from './testing/fixtures.js';
import { correlationCases } from './testing/correlation-cases.js';
import { incidentCases, type ContractContext } from './testing/incident-cases.js';
import { consoleCases } from './testing/console-cases.js';
import { controlsCases } from './testing/controls-cases.js';
import { monitorCases } from './testing/monitor-cases.js';
import { outboxCases } from './testing/outbox-cases.js';
import { recordCases } from './testing/record-cases.js';

/**
 * The one contract both engines must meet: the same cases run on SQLite (a temp file) and PostgreSQL (a
 * random schema on the local server, dropped afterwards). Each case uses its own service, actor or key
 * names, so cases share one store without seeing each other's rows.
 */
describe.each(await contractEngines())('store contract on $name', (engine) => {
  let target: EngineTarget | undefined;
  const ctx = {
    // A second desk: its own pool on PostgreSQL. SQLite drivers are synchronous, so two connections in one
    // process would wait on each other's lock with the thread blocked; a second desk there is another process,
    // serialized by BEGIN IMMEDIATE, and the cases race on the one connection instead.
    another: () =>
      engine.name === 'postgres'
        ? openStore(target!.url, { cwd: target!.cwd })
        : Promise.resolve({
            ...ctx.store,
            transaction: ctx.store.transaction.bind(ctx.store),
            close: () => Promise.resolve(),
          }),
  } as ContractContext & { another(): Promise<Store> };

  beforeAll(async () => {
    target = await engine.create();
    ctx.store = await openStore(target.url, { cwd: target.cwd });
  });
  afterAll(async () => {
    await ctx.store?.close();
    await target?.drop();
  });

  it('reports its engine and answers ping', async () => {
    expect(ctx.store.engine).toBe(engine.name);
    await expect(ctx.store.ping()).resolves.toBeUndefined();
  });

  incidentCases(ctx);
  correlationCases(ctx);
  recordCases(ctx);
  outboxCases(ctx);
  monitorCases(ctx);
  consoleCases(ctx);
  controlsCases(ctx);

  it('re-opens without re-running migrations, and a second connection sees the writes', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const again = await openStore(target!.url, { cwd: target!.cwd });
    try {
      expect(again).toBeInstanceOf(KyselyStore);
      expect(await migrateToLatest((again as KyselyStore).db, engine.name)).toEqual([]);
      expect(await again.incidents.get(incident.id)).toEqual(incident);
      const entry = await again.timeline.append({
        incidentId: incident.id,
        at: T0,
        actor: 'cli:alice',
        kind: 'note',
        summary: 'from the CLI',
        data: {},
      });
      expect(await ctx.store.timeline.list(incident.id)).toEqual([entry]);
    } finally {
      await again.close();
    }
  });
});
