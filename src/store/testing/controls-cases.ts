import { expect, it } from 'vitest';
import { at, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

/** What the operators' metrics and /healthz read: refusal totals per mitigation, and the outbox's backlog. */
export function controlsCases(ctx: ContractContext): void {
  it('adds refusal counts per mitigation from several writers, keeping the latest time', async () => {
    const a = unique('mit');
    const b = unique('mit');
    await ctx.store.controls.addRefusals([
      { mitigationId: a, count: 3, at: at(1) },
      { mitigationId: b, count: 0, at: at(1) },
    ]);
    // A second gateway's batch, one of its refusals earlier than the first's.
    await ctx.store.controls.addRefusals([{ mitigationId: a, count: 4, at: at(0) }]);
    await ctx.store.controls.addRefusals([{ mitigationId: a, count: 1, at: at(5) }]);
    const totals = await ctx.store.controls.refusals([a, b, unique('none')]);
    expect([...totals.values()]).toEqual([{ mitigationId: a, refused: 8, lastRefusedAt: at(5) }]);
    expect((await ctx.store.controls.refusals([])).size).toBe(0);
  });

  it('sums the outbox: waiting (pending or sending), failed, and the oldest waiting one', async () => {
    const before = await ctx.store.controls.outboxSummary();
    const message = (createdAt: string) => ({
      dedupKey: unique('dedup'),
      incidentId: null,
      service: unique('svc'),
      audience: 'on-call',
      channel: 'webhook',
      target: {},
      payload: {},
      status: 'pending' as const,
      nextAttemptAt: createdAt,
      createdAt,
    });
    // Older than anything the other cases write, so it is the oldest.
    await ctx.store.outbox.enqueue(message('2000-01-01T00:00:00.000Z'));
    await ctx.store.outbox.enqueue(message(at(3)));
    await ctx.store.outbox.enqueue({ ...message(at(4)), status: 'held' });
    const after = await ctx.store.controls.outboxSummary();
    expect(after.pending - before.pending).toBe(2);
    expect(after.failed).toBe(before.failed);
    expect(after.oldestPendingAt).toBe('2000-01-01T00:00:00.000Z');
  });
}
