import { expect, it } from 'vitest';
import type { NewOutboxMessage } from '../ports.js';
import { T0, at, newIncident, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

function newMessage(overrides: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    dedupKey: unique('dedup'),
    incidentId: null,
    service: 'fotospiel',
    audience: 'on-call',
    channel: 'slack',
    target: { webhook_env: 'SLACK_WEBHOOK_URL' },
    payload: { headline: 'SEV-2 opened' },
    status: 'pending',
    nextAttemptAt: T0,
    createdAt: T0,
    ...overrides,
  };
}

/** The notification outbox: enqueue once per dedup key, claim with leases, record outcomes, approve. */
export function outboxCases(ctx: ContractContext): void {
  it('enqueues a message once per dedup key and lists it by incident', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const message = newMessage({ incidentId: incident.id, payload: { nested: { a: [1, 2] } } });
    const first = await ctx.store.outbox.enqueue(message);
    expect(first).toMatchObject({
      incidentId: incident.id,
      status: 'pending',
      attempts: 0,
      payload: { nested: { a: [1, 2] } },
      leaseOwner: null,
      deliveredAt: null,
    });
    expect(await ctx.store.outbox.enqueue({ ...message, payload: { other: true } })).toBeUndefined();
    expect(await ctx.store.outbox.list({ incidentId: incident.id })).toEqual([first]);
    expect(await ctx.store.outbox.get(first!.id)).toEqual(first);
    // A duplicate inside a transaction does not spoil the rest of the transaction (PostgreSQL aborts on errors).
    await ctx.store.transaction(async (tx) => {
      expect(await tx.outbox.enqueue(message)).toBeUndefined();
      await tx.timeline.append({
        incidentId: incident.id,
        at: T0,
        actor: 'notify',
        kind: 'notification',
        summary: 'still writes',
        data: {},
      });
    });
    expect(await ctx.store.timeline.count(incident.id)).toBe(1);
  });

  it('claims due messages once, retries after the lease runs out, and records outcomes by owner', async () => {
    const service = unique('svc');
    const due = await ctx.store.outbox.enqueue(newMessage({ service, nextAttemptAt: at(0) }));
    const later = await ctx.store.outbox.enqueue(newMessage({ service, nextAttemptAt: at(30) }));
    const held = await ctx.store.outbox.enqueue(newMessage({ service, status: 'held' }));
    const mine = (rows: { id: number }[]): number[] =>
      rows.map((r) => r.id).filter((id) => [due!.id, later!.id, held!.id].includes(id));

    const claimedA = await ctx.store.outbox.claimDue(at(1), 'a', at(3), 100);
    expect(mine(claimedA)).toEqual([due!.id]);
    expect(claimedA.find((m) => m.id === due!.id)).toMatchObject({
      status: 'sending',
      attempts: 1,
      leaseOwner: 'a',
    });
    expect(mine(await ctx.store.outbox.claimDue(at(2), 'b', at(4), 100))).toEqual([]);

    // a's lease ran out (it crashed): b takes the message over, and a can no longer record anything.
    const claimedB = await ctx.store.outbox.claimDue(at(3), 'b', at(5), 100);
    expect(mine(claimedB)).toEqual([due!.id]);
    expect(await ctx.store.outbox.complete(due!.id, 'a', { status: 'delivered', at: at(3) })).toBeUndefined();
    const retry = await ctx.store.outbox.complete(due!.id, 'b', {
      status: 'pending',
      at: at(4),
      nextAttemptAt: at(10),
      error: 'HTTP 500',
    });
    expect(retry).toMatchObject({ status: 'pending', attempts: 2, lastError: 'HTTP 500', leaseOwner: null });
    expect(mine(await ctx.store.outbox.claimDue(at(9), 'c', at(11), 100))).toEqual([]);
    expect(mine(await ctx.store.outbox.claimDue(at(10), 'c', at(12), 100))).toEqual([due!.id]);
    const delivered = await ctx.store.outbox.complete(due!.id, 'c', { status: 'delivered', at: at(10) });
    expect(delivered).toMatchObject({
      status: 'delivered',
      attempts: 3,
      deliveredAt: at(10),
      lastError: null,
    });
    expect(mine(await ctx.store.outbox.claimDue(at(100), 'd', at(101), 100))).toEqual([later!.id]);
    const failed = await ctx.store.outbox.complete(later!.id, 'd', {
      status: 'failed',
      at: at(100),
      error: 'HTTP 400',
    });
    expect(failed).toMatchObject({ status: 'failed', lastError: 'HTTP 400' });
    expect(mine(await ctx.store.outbox.claimDue(at(200), 'e', at(201), 100))).toEqual([]);
  });

  it('sends a held message only after approval, and approves once', async () => {
    const held = await ctx.store.outbox.enqueue(newMessage({ status: 'held' }));
    expect((await ctx.store.outbox.list({ status: ['held'] })).map((m) => m.id)).toContain(held!.id);
    expect(await ctx.store.outbox.approve(held!.id, at(5))).toMatchObject({
      status: 'pending',
      updatedAt: at(5),
    });
    expect(await ctx.store.outbox.approve(held!.id, at(6))).toBeUndefined();
    const claimed = await ctx.store.outbox.claimDue(at(6), 'a', at(8), 1000);
    expect(claimed.map((m) => m.id)).toContain(held!.id);
  });

  it('lets exactly one of two racing dispatchers claim a message', async () => {
    const message = await ctx.store.outbox.enqueue(newMessage({ nextAttemptAt: at(-1000) }));
    const [a, b] = await Promise.all([
      ctx.store.outbox.claimDue(at(0), 'x', at(2), 1000),
      ctx.store.outbox.claimDue(at(0), 'y', at(2), 1000),
    ]);
    const winners = [...a, ...b].filter((m) => m.id === message!.id);
    expect(winners).toHaveLength(1);
  });
}
