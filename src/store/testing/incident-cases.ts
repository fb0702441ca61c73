import { expect, it } from 'vitest';
import type { Store } from '../ports.js';
import { T0, at, newIncident, unique } from './fixtures.js';

/** The shared store of a contract run; set in beforeAll by the suite, read by every case. */
export interface ContractContext {
  store: Store;
}

/** Incidents, the timeline and transactions: the desk's write path. */
export function incidentCases(ctx: ContractContext): void {
  it('creates incidents with INC-<seq> ids and finds them by either spelling', async () => {
    const scope = {
      tenants: ['acme'],
      events: ['wedding-42'],
      ips: ['203.0.113.7'],
      tokenPreviews: ['jt_ab12…'],
      tokens: ['k3yedHashOfTheToken0123456789abc'],
    };
    const created = await ctx.store.incidents.create(newIncident({ service: unique('svc'), scope }));
    expect(created.id).toMatch(/^INC-\d+$/);
    expect(created).toMatchObject({ status: 'triggered', updatedAt: T0, acknowledgedAt: null, scope });
    const seq = created.id.slice('INC-'.length);
    expect(await ctx.store.incidents.get(created.id)).toEqual(created);
    expect(await ctx.store.incidents.get(seq)).toEqual(created);
    expect(await ctx.store.incidents.get(`inc-${seq}`)).toEqual(created);
    expect(await ctx.store.incidents.get('INC-999999')).toBeUndefined();
    expect(await ctx.store.incidents.get('not an id')).toBeUndefined();
    const next = await ctx.store.incidents.create(newIncident());
    expect(Number(next.id.slice(4))).toBeGreaterThan(Number(seq));
  });

  it('lists incidents by service, status and openness, newest first unless asked otherwise', async () => {
    const service = unique('svc');
    const a = await ctx.store.incidents.create(newIncident({ service, createdAt: at(1) }));
    const b = await ctx.store.incidents.create(
      newIncident({ service, createdAt: at(2), status: 'acknowledged' }),
    );
    const c = await ctx.store.incidents.create(
      newIncident({ service, createdAt: at(3), status: 'resolved' }),
    );
    await ctx.store.incidents.create(newIncident({ service: unique('other'), createdAt: at(4) }));
    const ids = (list: { id: string }[]): string[] => list.map((i) => i.id);
    expect(ids(await ctx.store.incidents.list({ service }))).toEqual([c.id, b.id, a.id]);
    expect(ids(await ctx.store.incidents.list({ service, order: 'oldest' }))).toEqual([a.id, b.id, c.id]);
    expect(ids(await ctx.store.incidents.list({ service, openOnly: true }))).toEqual([b.id, a.id]);
    expect(ids(await ctx.store.incidents.list({ service, status: ['resolved', 'triggered'] }))).toEqual([
      c.id,
      a.id,
    ]);
    expect(ids(await ctx.store.incidents.list({ service, status: [] }))).toEqual([]);
    expect(ids(await ctx.store.incidents.list({ service, limit: 1 }))).toEqual([c.id]);
  });

  it('finds the open incident by fingerprint and ignores resolved and closed ones', async () => {
    const service = unique('svc');
    const fingerprint = 'rate:ip:198.51.100.9';
    await ctx.store.incidents.create(newIncident({ service, fingerprint, status: 'resolved' }));
    await ctx.store.incidents.create(newIncident({ service, fingerprint, status: 'closed' }));
    expect(await ctx.store.incidents.findOpenByFingerprint(service, fingerprint)).toBeUndefined();
    const open = await ctx.store.incidents.create(newIncident({ service, fingerprint, status: 'mitigated' }));
    expect((await ctx.store.incidents.findOpenByFingerprint(service, fingerprint))?.id).toBe(open.id);
    expect(await ctx.store.incidents.findOpenByFingerprint(unique('svc'), fingerprint)).toBeUndefined();
  });

  it('applies a conditional update only while the status is still the expected one', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const acked = await ctx.store.incidents.update(
      incident.id,
      { status: 'acknowledged', acknowledgedAt: at(1), commander: 'alice', updatedAt: at(1) },
      'triggered',
    );
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: at(1),
      commander: 'alice',
      updatedAt: at(1),
    });
    const lost = await ctx.store.incidents.update(
      incident.id,
      { status: 'resolved', updatedAt: at(2) },
      'triggered',
    );
    expect(lost).toBeUndefined();
    expect(await ctx.store.incidents.get(incident.id)).toEqual(acked);
    const scope = { tenants: ['t1'], events: [], ips: [], tokenPreviews: [], tokens: [] };
    const plain = await ctx.store.incidents.update(incident.id, { scope, commander: null, updatedAt: at(3) });
    expect(plain).toMatchObject({ scope, commander: null, status: 'acknowledged', title: incident.title });
    expect(await ctx.store.incidents.update('INC-999999', { updatedAt: at(4) })).toBeUndefined();
    expect(await ctx.store.incidents.update('garbage', { updatedAt: at(4) })).toBeUndefined();
  });

  it('lets exactly one of two simultaneous transitions win', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const results = await Promise.all([
      ctx.store.incidents.update(incident.id, { status: 'acknowledged', updatedAt: at(1) }, 'triggered'),
      ctx.store.incidents.update(incident.id, { status: 'resolved', updatedAt: at(1) }, 'triggered'),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('appends timeline entries in order and pages through them', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const appended = [];
    for (let i = 0; i < 5; i++) {
      appended.push(
        await ctx.store.timeline.append({
          incidentId: incident.id,
          at: at(i),
          actor: 'detector',
          kind: 'signal',
          summary: `signal ${i}`,
          data: { value: i, nested: { ok: true } },
        }),
      );
    }
    const all = await ctx.store.timeline.list(incident.id);
    expect(all).toEqual(appended);
    expect(all.map((e) => e.summary)).toEqual(['signal 0', 'signal 1', 'signal 2', 'signal 3', 'signal 4']);
    expect(all[0]).toMatchObject({ incidentId: incident.id, data: { value: 0, nested: { ok: true } } });
    const first = await ctx.store.timeline.list(incident.id, { limit: 2 });
    const second = await ctx.store.timeline.list(incident.id, { limit: 2, afterId: first[1]?.id ?? 0 });
    expect([...first, ...second].map((e) => e.summary)).toEqual(all.slice(0, 4).map((e) => e.summary));
    expect(await ctx.store.timeline.count(incident.id)).toBe(5);
    expect(await ctx.store.timeline.list('garbage')).toEqual([]);
    await expect(
      ctx.store.timeline.append({
        incidentId: 'nope',
        at: T0,
        actor: 'x',
        kind: 'note',
        summary: 's',
        data: {},
      }),
    ).rejects.toMatchObject({ code: 'RAMPART_NOT_FOUND' });
    // The foreign key is on in both engines: an entry cannot point at a missing incident.
    await expect(
      ctx.store.timeline.append({
        incidentId: 'INC-999999',
        at: T0,
        actor: 'x',
        kind: 'note',
        summary: 's',
        data: {},
      }),
    ).rejects.toThrow();
  });

  it('commits a transaction as a whole and rolls it back as a whole', async () => {
    const service = unique('svc');
    const committed = await ctx.store.transaction(async (tx) => {
      const incident = await tx.incidents.create(newIncident({ service }));
      await tx.timeline.append({
        incidentId: incident.id,
        at: T0,
        actor: 'x',
        kind: 'created',
        summary: 'c',
        data: {},
      });
      return incident;
    });
    expect(await ctx.store.timeline.count(committed.id)).toBe(1);

    const failing = unique('svc');
    let createdId = '';
    await expect(
      ctx.store.transaction(async (tx) => {
        const incident = await tx.incidents.create(newIncident({ service: failing }));
        createdId = incident.id;
        await tx.timeline.append({
          incidentId: incident.id,
          at: T0,
          actor: 'x',
          kind: 'created',
          summary: 'c',
          data: {},
        });
        await tx.audit.append({
          at: T0,
          actor: failing,
          action: 'incident.open',
          target: incident.id,
          details: {},
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(createdId).not.toBe('');
    expect(await ctx.store.incidents.list({ service: failing })).toEqual([]);
    expect(await ctx.store.timeline.count(createdId)).toBe(0);
    expect(await ctx.store.audit.list({ actor: failing })).toEqual([]);
  });
}
