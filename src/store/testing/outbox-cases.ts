import { expect, it } from 'vitest';
import type { NewOutboxMessage, OutboxMessage, Store } from '../ports.js';
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

/** Claims one message after another until nothing is due (other cases' leftovers included). */
async function claimAll(store: Store, now: string, owner: string, until: string): Promise<OutboxMessage[]> {
  const claimed: OutboxMessage[] = [];
  for (
    let m = await store.outbox.claimNext(now, owner, until);
    m;
    m = await store.outbox.claimNext(now, owner, until)
  )
    claimed.push(m);
  return claimed;
}

/** The notification outbox: enqueue once per dedup key, claim with leases, record outcomes, approve. */
export function outboxCases(ctx: ContractContext): void {
  const claimDue = (now: string, owner: string, until: string) => claimAll(ctx.store, now, owner, until);

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

    const claimedA = await claimDue(at(1), 'a', at(3));
    expect(mine(claimedA)).toEqual([due!.id]);
    expect(claimedA.find((m) => m.id === due!.id)).toMatchObject({
      status: 'sending',
      attempts: 1,
      leaseOwner: 'a',
    });
    expect(mine(await claimDue(at(2), 'b', at(4)))).toEqual([]);

    // a's lease ran out (it crashed): b takes the message over, and a can no longer record anything.
    const claimedB = await claimDue(at(3), 'b', at(5));
    expect(mine(claimedB)).toEqual([due!.id]);
    expect(await ctx.store.outbox.complete(due!.id, 'a', { status: 'delivered', at: at(3) })).toBeUndefined();
    const retry = await ctx.store.outbox.complete(due!.id, 'b', {
      status: 'pending',
      at: at(4),
      nextAttemptAt: at(10),
      error: 'HTTP 500',
    });
    expect(retry).toMatchObject({ status: 'pending', attempts: 2, lastError: 'HTTP 500', leaseOwner: null });
    expect(mine(await claimDue(at(9), 'c', at(11)))).toEqual([]);
    expect(mine(await claimDue(at(10), 'c', at(12)))).toEqual([due!.id]);
    const delivered = await ctx.store.outbox.complete(due!.id, 'c', { status: 'delivered', at: at(10) });
    expect(delivered).toMatchObject({
      status: 'delivered',
      attempts: 3,
      deliveredAt: at(10),
      lastError: null,
    });
    expect(mine(await claimDue(at(100), 'd', at(101)))).toEqual([later!.id]);
    const failed = await ctx.store.outbox.complete(later!.id, 'd', {
      status: 'failed',
      at: at(100),
      error: 'HTTP 400',
    });
    expect(failed).toMatchObject({ status: 'failed', lastError: 'HTTP 400' });
    expect(mine(await claimDue(at(200), 'e', at(201)))).toEqual([]);
  });

  it('sends a held message only after approval, and approves once', async () => {
    const held = await ctx.store.outbox.enqueue(newMessage({ status: 'held' }));
    expect((await ctx.store.outbox.list({ status: ['held'] })).map((m) => m.id)).toContain(held!.id);
    expect(await ctx.store.outbox.approve(held!.id, at(5))).toMatchObject({
      status: 'pending',
      updatedAt: at(5),
    });
    expect(await ctx.store.outbox.approve(held!.id, at(6))).toBeUndefined();
    const claimed = await claimDue(at(6), 'a', at(8));
    expect(claimed.map((m) => m.id)).toContain(held!.id);
  });

  it('lets exactly one of two racing dispatchers claim a message', async () => {
    const message = await ctx.store.outbox.enqueue(newMessage({ nextAttemptAt: at(-1000) }));
    const [a, b] = await Promise.all([claimDue(at(0), 'x', at(2)), claimDue(at(0), 'y', at(2))]);
    const winners = [...a, ...b].filter((m) => m.id === message!.id);
    expect(winners).toHaveLength(1);
  });

  it('renews a lease only for the dispatcher that holds it, so a lost lease is noticed and never stretched', async () => {
    const message = await ctx.store.outbox.enqueue(newMessage({ nextAttemptAt: at(-2000) }));
    const mine = (rows: OutboxMessage[]) => rows.filter((m) => m.id === message!.id);
    expect(mine(await claimDue(at(-1999), 'slow', at(-1990)))).toHaveLength(1);
    // While the receiver is slow, the holder renews; nobody else can take the message meanwhile.
    expect(await ctx.store.outbox.renewLease(message!.id, 'slow', at(-1980))).toBe(true);
    expect(mine(await claimDue(at(-1985), 'other', at(-1975)))).toEqual([]);
    expect((await ctx.store.outbox.get(message!.id))?.leaseUntil).toBe(at(-1980));
    // Past the renewed lease (the holder froze), another takes it over; the old holder can neither renew nor
    // record over the new holder's result.
    expect(mine(await claimDue(at(-1980), 'other', at(-1970)))).toHaveLength(1);
    expect(await ctx.store.outbox.renewLease(message!.id, 'slow', at(-1900))).toBe(false);
    expect((await ctx.store.outbox.get(message!.id))?.leaseUntil).toBe(at(-1970));
    expect(
      await ctx.store.outbox.complete(message!.id, 'other', { status: 'delivered', at: at(-1975) }),
    ).toMatchObject({
      status: 'delivered',
    });
    expect(
      await ctx.store.outbox.complete(message!.id, 'slow', {
        status: 'failed',
        at: at(-1974),
        error: 'late',
      }),
    ).toBeUndefined();
    expect(await ctx.store.outbox.renewLease(message!.id, 'other', at(-1900))).toBe(false);
  });

  it('sends the messages of one incident to one receiver in order: a later one waits for the earlier', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const target = { routing_key_env: unique('PD') };
    const trigger = await ctx.store.outbox.enqueue(
      newMessage({ incidentId: incident.id, channel: 'pagerduty', target, nextAttemptAt: at(-3000) }),
    );
    const resolve = await ctx.store.outbox.enqueue(
      newMessage({ incidentId: incident.id, channel: 'pagerduty', target, nextAttemptAt: at(-3000) }),
    );
    const ours = (rows: OutboxMessage[]) =>
      rows.map((m) => m.id).filter((id) => [trigger!.id, resolve!.id].includes(id));
    expect(ours(await claimDue(at(-2999), 'a', at(-2990)))).toEqual([trigger!.id]);
    // The trigger is out (being sent): the resolve must not overtake it on another dispatcher.
    expect(ours(await claimDue(at(-2998), 'b', at(-2990)))).toEqual([]);
    await ctx.store.outbox.complete(trigger!.id, 'a', { status: 'delivered', at: at(-2997) });
    expect(ours(await claimDue(at(-2996), 'b', at(-2990)))).toEqual([resolve!.id]);
  });
}
