import { expect, it } from 'vitest';
import { at, newMitigation, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

/** Bouncers, the blocks they pull, and which enforcement point has which mitigation. */
export function enforcementCases(ctx: ContractContext): void {
  it('keeps bouncers by name with only their key hash, and deletes them by name or id', async () => {
    const name = unique('nginx');
    const created = await ctx.store.bouncers.create({
      id: unique('bnc'),
      name,
      keyHash: unique('hash'),
      preview: 'rb_abcd',
      createdAt: at(0),
      lastPullAt: null,
      userAgent: null,
    });
    await ctx.store.bouncers.recordPull(created.id, at(1), 'crowdsec-custom-bouncer/v0.0.15');
    const listed = (await ctx.store.bouncers.list()).find((b) => b.name === name);
    expect(listed).toMatchObject({ lastPullAt: at(1), userAgent: 'crowdsec-custom-bouncer/v0.0.15' });
    await expect(
      ctx.store.bouncers.create({ ...created, id: unique('bnc'), keyHash: unique('hash') }),
    ).rejects.toThrow();
    expect((await ctx.store.bouncers.delete(name))?.id).toBe(created.id);
    expect(await ctx.store.bouncers.delete(created.id)).toBeUndefined();
  });

  it('answers a bouncer pull: blocks in force, created since its last pull, and ended since', async () => {
    const service = unique('svc');
    const m = (o: Parameters<typeof newMitigation>[0]) =>
      ctx.store.mitigations.create(newMitigation({ service, ...o }));
    const old = await m({ target: '198.51.100.1', createdAt: at(0) });
    const fresh = await m({ target: '198.51.100.2', createdAt: at(5), expiresAt: at(60) });
    const expired = await m({ target: '198.51.100.3', createdAt: at(1), expiresAt: at(7) });
    const lifted = await m({ target: '198.51.100.4', createdAt: at(1) });
    await ctx.store.mitigations.lift(lifted.id, at(8), 'cli:bob');
    await m({ kind: 'revoke-token', target: 'hash-of-a-token', createdAt: at(5) });
    await ctx.store.mitigations.create(
      newMitigation({ service: unique('other'), target: '198.51.100.9', createdAt: at(5) }),
    );

    const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();
    expect(ids(await ctx.store.bouncers.activeBlocks([service], at(10)))).toEqual(ids([old, fresh]));
    expect(ids(await ctx.store.bouncers.blocksCreatedSince([service], at(2), at(10)))).toEqual([fresh.id]);
    expect(ids(await ctx.store.bouncers.blocksEndedBetween([service], at(6), at(10)))).toEqual(
      ids([expired, lifted]),
    );
    expect(await ctx.store.bouncers.blocksEndedBetween([service], at(8), at(10))).toEqual([]);
    expect(await ctx.store.bouncers.activeBlocks([], at(10))).toEqual([]);
  });

  it('records each point once with its first time; a claimed run is settled and released once', async () => {
    const mitigationId = unique('mit');
    const gateway = { mitigationId, pointKind: 'gateway' as const, pointName: 'guest-api@host' };
    await ctx.store.enforcement.acknowledge({ ...gateway, at: at(0) });
    await ctx.store.enforcement.acknowledge({ ...gateway, at: at(1) });
    const hook = { mitigationId, pointKind: 'hook' as const, pointName: 'nginx-deny' };
    expect(await ctx.store.enforcement.claim({ ...hook, at: at(2) })).toBe(true);
    expect(await ctx.store.enforcement.claim({ ...hook, at: at(2) })).toBe(false);
    await ctx.store.enforcement.settle({ ...hook, at: at(3), state: 'enforcing', detail: 'exit 0' });
    const records = await ctx.store.enforcement.list([mitigationId]);
    expect(records).toEqual([
      expect.objectContaining({ pointKind: 'gateway', state: 'enforcing', since: at(0), updatedAt: at(1) }),
      expect.objectContaining({ pointKind: 'hook', state: 'enforcing', since: at(2), detail: 'exit 0' }),
    ]);
    expect(
      (await ctx.store.enforcement.listOpen('hook', 10_000)).some((r) => r.mitigationId === mitigationId),
    ).toBe(true);
    expect(await ctx.store.enforcement.release({ ...hook, at: at(4) })).toBe(true);
    expect(await ctx.store.enforcement.release({ ...hook, at: at(5) })).toBe(false);
    expect(
      (await ctx.store.enforcement.listOpen('hook', 10_000)).some((r) => r.mitigationId === mitigationId),
    ).toBe(false);

    expect(await ctx.store.enforcement.releasePoint('gateway', 'guest-api@host', at(5))).toBe(1);
    expect(await ctx.store.enforcement.releasePoint('gateway', 'guest-api@host', at(5))).toBe(0);
    expect((await ctx.store.enforcement.list([mitigationId]))[0]).toMatchObject({
      state: 'removed',
      endedAt: at(5),
    });

    expect(await ctx.store.enforcement.markUnenforced(mitigationId, at(6))).toBe(true);
    expect(await ctx.store.enforcement.markUnenforced(mitigationId, at(7))).toBe(false);
    expect(await ctx.store.enforcement.listUnenforced([mitigationId, unique('mit')])).toEqual([mitigationId]);
  });

  it("refreshes a point's enforcing holds when it is heard from, and only its own", async () => {
    const [a, b] = [unique('mit'), unique('mit')];
    const name = unique('edge');
    /** A bouncer taking up (acknowledge) or letting go of (release) a mitigation at minute `minute`. */
    const bouncer = (
      change: 'acknowledge' | 'release',
      mitigationId: string,
      pointName: string,
      minute: number,
    ) => ctx.store.enforcement[change]({ mitigationId, pointKind: 'bouncer', pointName, at: at(minute) });
    await bouncer('acknowledge', a, name, 0);
    await bouncer('acknowledge', b, name, 0);
    await bouncer('release', b, name, 1);
    const other = unique('edge');
    await bouncer('acknowledge', a, other, 0);
    expect(await ctx.store.enforcement.touchPoint('bouncer', name, at(3))).toBe(1);
    // Heard from again within 10 s: nothing to write.
    expect(await ctx.store.enforcement.touchPoint('bouncer', name, at(3.1))).toBe(0);
    const updated = Object.fromEntries(
      (await ctx.store.enforcement.list([a, b])).map((r) => [
        `${r.mitigationId}/${r.pointName}`,
        r.updatedAt,
      ]),
    );
    expect(updated).toEqual({ [`${a}/${name}`]: at(3), [`${b}/${name}`]: at(1), [`${a}/${other}`]: at(0) });
  });

  it("notes a mitigation's expiry once, not after an extension moved it, never for a lifted one", async () => {
    const service = unique('svc');
    const m = (o: Parameters<typeof newMitigation>[0]) =>
      ctx.store.mitigations.create(newMitigation({ service, ...o }));
    const plain = await m({ target: '198.51.100.1', createdAt: at(0), expiresAt: at(10) });
    const moved = await m({ target: '198.51.100.2', createdAt: at(0), expiresAt: at(10) });
    const lifted = await m({ target: '198.51.100.3', createdAt: at(0), expiresAt: at(10) });
    await ctx.store.mitigations.lift(lifted.id, at(5), 'cli:bob');
    await ctx.store.mitigations.extend(moved.id, at(60));
    const due = (await ctx.store.mitigations.listExpiredUnnoted(at(11), 1000)).filter(
      (x) => x.service === service,
    );
    expect(due.map((x) => x.id)).toEqual([plain.id]);
    expect(await ctx.store.mitigations.noteExpiry(moved.id, at(10), at(11))).toBeUndefined();
    expect(await ctx.store.mitigations.noteExpiry(plain.id, at(10), at(9))).toBeUndefined();
    expect((await ctx.store.mitigations.noteExpiry(plain.id, at(10), at(11)))?.id).toBe(plain.id);
    expect(await ctx.store.mitigations.noteExpiry(plain.id, at(10), at(12))).toBeUndefined();
    expect(await ctx.store.mitigations.extend(plain.id, at(90))).toBeUndefined();
  });
}
