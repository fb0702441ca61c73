import { expect, it } from 'vitest';
import type { NewMonitorResult } from '../ports.js';
import { at, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

function result(service: string, minute: number, ok: boolean): NewMonitorResult {
  return {
    service,
    monitor: 'gallery-known-good',
    at: at(minute),
    ok,
    status: ok ? 200 : 503,
    latencyMs: 12.6,
    failures: ok ? [] : ['expected status 200, got 503'],
    source: 'schedule',
  };
}

/** Monitor results with bounded retention, and routine occurrences claimed once. */
export function monitorCases(ctx: ContractContext): void {
  it('keeps the newest results of each monitor, newest first, and nothing of other monitors', async () => {
    const service = unique('svc');
    for (let minute = 0; minute < 5; minute += 1)
      await ctx.store.monitorResults.record(result(service, minute, minute % 2 === 0), 3);
    await ctx.store.monitorResults.record({ ...result(service, 9, false), monitor: 'other' }, 3);
    const kept = await ctx.store.monitorResults.list(service, 'gallery-known-good');
    expect(kept.map((r) => [r.at, r.ok])).toEqual([
      [at(4), true],
      [at(3), false],
      [at(2), true],
    ]);
    expect(kept[1]).toMatchObject({ status: 503, latencyMs: 13, failures: ['expected status 200, got 503'] });
    expect(await ctx.store.monitorResults.latest(service, 'other')).toMatchObject({ ok: false, at: at(9) });
    expect(await ctx.store.monitorResults.latest(service, 'missing')).toBeUndefined();
  });

  it('claims a routine occurrence once, finishes it, and reports the latest occurrence', async () => {
    const service = unique('svc');
    const first = await ctx.store.routineRuns.claim({
      service,
      name: 'check-logs',
      occurrence: at(0),
      startedAt: at(1),
    });
    expect(first).toMatchObject({ occurrence: at(0), finishedAt: null, outcome: null });
    expect(
      await ctx.store.routineRuns.claim({ service, name: 'check-logs', occurrence: at(0), startedAt: at(2) }),
    ).toBeUndefined();
    await ctx.store.routineRuns.claim({ service, name: 'check-logs', occurrence: at(60), startedAt: at(60) });
    await ctx.store.routineRuns.finish(first!.id, { finishedAt: at(1), outcome: 'fail', detail: 'x' });
    expect(await ctx.store.routineRuns.latest(service, 'check-logs')).toMatchObject({ occurrence: at(60) });
    // A claim inside a transaction that loses does not spoil the transaction (PostgreSQL).
    await ctx.store.transaction(async (tx) => {
      expect(
        await tx.routineRuns.claim({ service, name: 'check-logs', occurrence: at(60), startedAt: at(61) }),
      ).toBeUndefined();
      await tx.routineRuns.claim({ service, name: 'other', occurrence: at(60), startedAt: at(61) });
    });
    expect(await ctx.store.routineRuns.latest(service, 'other')).toMatchObject({ startedAt: at(61) });
  });
}
