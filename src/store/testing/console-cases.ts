import { expect, it } from 'vitest';
import { T0, at, newIncident, newMitigation, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

/** What the console reads and writes: sessions, grouped counts, recent entries across incidents, extensions. */
export function consoleCases(ctx: ContractContext): void {
  it('keeps console sessions by hash, bounded per key, and forgets expired ones', async () => {
    const keyId = unique('key');
    const sessions = ctx.store.consoleSessions;
    for (let i = 0; i < 4; i++) {
      await sessions.create({ idHash: `${keyId}-s${i}`, keyId, createdAt: at(i), expiresAt: at(60 + i) });
    }
    expect(await sessions.get(`${keyId}-s0`)).toEqual({
      idHash: `${keyId}-s0`,
      keyId,
      createdAt: at(0),
      expiresAt: at(60),
    });
    // Keep the two newest of this key; nothing has expired at T0 + 10 min.
    expect(await sessions.prune(at(10), keyId, 2)).toBe(2);
    expect(await sessions.get(`${keyId}-s0`)).toBeUndefined();
    expect(await sessions.get(`${keyId}-s1`)).toBeUndefined();
    expect(await sessions.get(`${keyId}-s3`)).toBeDefined();
    // At T0 + 62 min, s2 (expires at 62) has expired, s3 has not.
    await sessions.prune(at(62), keyId, 2);
    expect(await sessions.get(`${keyId}-s2`)).toBeUndefined();
    expect(await sessions.delete(`${keyId}-s3`)).toBe(true);
    expect(await sessions.delete(`${keyId}-s3`)).toBe(false);
  });

  it('counts incidents per status and severity for one service', async () => {
    const service = unique('svc');
    await ctx.store.incidents.create(newIncident({ service, severity: 'SEV-1', severityRank: 1 }));
    await ctx.store.incidents.create(newIncident({ service, severity: 'SEV-1', severityRank: 1 }));
    await ctx.store.incidents.create(
      newIncident({ service, severity: 'SEV-3', severityRank: 3, status: 'resolved' }),
    );
    expect(await ctx.store.incidents.countByStatusAndSeverity({ service })).toEqual([
      { status: 'triggered', severity: 'SEV-1', severityRank: 1, count: 2 },
      { status: 'resolved', severity: 'SEV-3', severityRank: 3, count: 1 },
    ]);
  });

  it('lists open incidents most severe first, then oldest first, a page at a time', async () => {
    const service = unique('svc');
    const make = (severityRank: number, minutes: number, status: 'triggered' | 'resolved' = 'triggered') =>
      ctx.store.incidents.create(
        newIncident({
          service,
          severity: `SEV-${severityRank}`,
          severityRank,
          status,
          createdAt: at(minutes),
        }),
      );
    const low = await make(3, 0);
    const highNew = await make(1, 10);
    const highOld = await make(1, 5);
    await make(1, 1, 'resolved');
    const list = await ctx.store.incidents.list({ service, openOnly: true, order: 'severity' });
    expect(list.map((i) => i.id)).toEqual([highOld.id, highNew.id, low.id]);
    const page = await ctx.store.incidents.list({
      service,
      openOnly: true,
      order: 'severity',
      limit: 1,
      offset: 1,
    });
    expect(page.map((i) => i.id)).toEqual([highNew.id]);
  });

  it('lists recent timeline entries newest first, by kind and incident, and knows the last id', async () => {
    const a = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const entry = (kind: 'signal' | 'note', summary: string) => ({
      incidentId: a.id,
      at: T0,
      actor: 'detector',
      kind,
      summary,
      data: {},
    });
    const s1 = await ctx.store.timeline.append(entry('signal', 'first'));
    await ctx.store.timeline.append(entry('note', 'between'));
    const s2 = await ctx.store.timeline.append(entry('signal', 'second'));
    expect(await ctx.store.timeline.lastId()).toBeGreaterThanOrEqual(s2.id);
    const signals = await ctx.store.timeline.recent({ incidentId: a.id, kinds: ['signal'], limit: 10 });
    expect(signals.map((e) => e.summary)).toEqual(['second', 'first']);
    const page = await ctx.store.timeline.recent({ incidentId: a.id, limit: 10, beforeId: s2.id });
    expect(page.map((e) => e.summary)).toEqual(['between', 'first']);
    const across = await ctx.store.timeline.recent({ kinds: ['signal'], limit: 1 });
    expect(across[0]?.id).toBeGreaterThanOrEqual(s2.id);
    expect(s1.id).toBeLessThan(s2.id);
  });

  it('extends a mitigation in force and refuses one already lifted', async () => {
    const m = await ctx.store.mitigations.create(newMitigation({ expiresAt: at(60) }));
    expect((await ctx.store.mitigations.extend(m.id, at(120)))?.expiresAt).toBe(at(120));
    await ctx.store.mitigations.lift(m.id, at(30), 'cli:alice');
    expect(await ctx.store.mitigations.extend(m.id, at(240))).toBeUndefined();
    expect((await ctx.store.mitigations.get(m.id))?.expiresAt).toBe(at(120));
  });

  it('filters the audit log by action', async () => {
    const action = unique('signal.shadow');
    await ctx.store.audit.append({ at: T0, actor: 'detector', action, target: 'x', details: { n: 1 } });
    await ctx.store.audit.append({ at: T0, actor: 'detector', action: 'other', target: 'x', details: {} });
    const found = await ctx.store.audit.list({ action });
    expect(found.map((e) => e.details)).toEqual([{ n: 1 }]);
  });
}
