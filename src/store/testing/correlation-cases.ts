import { expect, it } from 'vitest';
import type { Store } from '../ports.js';
import { newIncident, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

/** What a desk does with a signal, reduced to the store: join the open incident of the key, or open it. */
async function openOrJoin(
  store: Store,
  service: string,
  key: string,
): Promise<{ id: string; opened: boolean }> {
  return store.transaction(async (tx) => {
    for (;;) {
      const open = await tx.incidents.findOpenByKey(service, key, { lock: true });
      if (open) return { id: open.id, opened: false };
      const created = await tx.incidents.createUnlessKeyTaken(newIncident({ service, correlationKey: key }));
      if (created) return { id: created.id, opened: true };
    }
  });
}

/** Many desks, one truth: at most one open incident per service and correlation key, whoever asks. */
export function correlationCases(ctx: ContractContext & { another(): Promise<Store> }): void {
  it('keeps one open incident per service and correlation key; resolving it frees the key', async () => {
    const service = unique('svc');
    const key = 'type:brute-force:203.0.113.0/24';
    const first = await ctx.store.incidents.createUnlessKeyTaken(
      newIncident({ service, correlationKey: key }),
    );
    expect(first).toMatchObject({ correlationKey: key });
    expect(
      await ctx.store.incidents.createUnlessKeyTaken(newIncident({ service, correlationKey: key })),
    ).toBe(undefined);
    await expect(ctx.store.incidents.create(newIncident({ service, correlationKey: key }))).rejects.toThrow();
    // Another service, or no key at all (an incident opened by hand), is never in the way.
    expect(
      await ctx.store.incidents.createUnlessKeyTaken(
        newIncident({ service: unique('other'), correlationKey: key }),
      ),
    ).toBeDefined();
    expect(await ctx.store.incidents.createUnlessKeyTaken(newIncident({ service }))).toBeDefined();
    expect(await ctx.store.incidents.createUnlessKeyTaken(newIncident({ service }))).toBeDefined();
    expect((await ctx.store.incidents.findOpenByKey(service, key))?.id).toBe(first!.id);

    await ctx.store.incidents.update(first!.id, { status: 'resolved', updatedAt: first!.createdAt });
    expect(await ctx.store.incidents.findOpenByKey(service, key)).toBeUndefined();
    const next = await ctx.store.incidents.createUnlessKeyTaken(
      newIncident({ service, correlationKey: key }),
    );
    expect(next?.id).not.toBe(first!.id);
    // Reopening the resolved one while the new one is open would make two: the database refuses it.
    await expect(
      ctx.store.incidents.update(first!.id, { status: 'acknowledged', updatedAt: 'x' }),
    ).rejects.toThrow();
  });

  it('lets exactly one of several desks on two connections open the incident; the others join it', async () => {
    const other = await ctx.another();
    try {
      for (let round = 0; round < 20; round += 1) {
        const service = unique('svc');
        const key = `type:brute-force:198.51.${round}.0/24`;
        const answers = await Promise.all(
          [ctx.store, other, ctx.store, other].map((store) => openOrJoin(store, service, key)),
        );
        expect(answers.filter((a) => a.opened)).toHaveLength(1);
        expect(new Set(answers.map((a) => a.id)).size).toBe(1);
        expect(await ctx.store.incidents.list({ service })).toHaveLength(1);
      }
    } finally {
      await other.close();
    }
  });
}
