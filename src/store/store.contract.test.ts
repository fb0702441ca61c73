import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChecklist } from '../domain/checklist.js';
import { isInForce } from '../domain/mitigation.js';
import { KyselyStore } from './kysely/kysely-store.js';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { openStore } from './open-store.js';
import type { Store } from './ports.js';
import { contractEngines, type EngineTarget } from './testing/contract-engines.js';
import { newApiKey, newIncident, newMitigation, unique } from './testing/fixtures.js';

const T0 = '2026-01-05T10:00:00.000Z';
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

describe.each(await contractEngines())('store contract on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;

  beforeAll(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
  });
  afterAll(async () => {
    await store?.close();
    await target?.drop();
  });

  it('reports its engine and answers ping', async () => {
    expect(store.engine).toBe(engine.name);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('creates incidents with INC-<seq> ids and finds them by either spelling', async () => {
    const scope = { tenants: ['acme'], events: ['wedding-42'], ips: ['203.0.113.7'], tokenPreviews: ['jt_ab12…'] };
    const created = await store.incidents.create(newIncident({ service: unique('svc'), scope }));
    expect(created.id).toMatch(/^INC-\d+$/);
    expect(created).toMatchObject({ status: 'triggered', updatedAt: T0, acknowledgedAt: null, scope });
    const seq = created.id.slice('INC-'.length);
    expect(await store.incidents.get(created.id)).toEqual(created);
    expect(await store.incidents.get(seq)).toEqual(created);
    expect(await store.incidents.get(`inc-${seq}`)).toEqual(created);
    expect(await store.incidents.get('INC-999999')).toBeUndefined();
    expect(await store.incidents.get('not an id')).toBeUndefined();
    const next = await store.incidents.create(newIncident());
    expect(Number(next.id.slice(4))).toBeGreaterThan(Number(seq));
  });

  it('lists incidents by service, status and openness, newest first unless asked otherwise', async () => {
    const service = unique('svc');
    const a = await store.incidents.create(newIncident({ service, createdAt: at(1) }));
    const b = await store.incidents.create(newIncident({ service, createdAt: at(2), status: 'acknowledged' }));
    const c = await store.incidents.create(newIncident({ service, createdAt: at(3), status: 'resolved' }));
    await store.incidents.create(newIncident({ service: unique('other'), createdAt: at(4) }));
    const ids = (list: { id: string }[]): string[] => list.map((i) => i.id);
    expect(ids(await store.incidents.list({ service }))).toEqual([c.id, b.id, a.id]);
    expect(ids(await store.incidents.list({ service, order: 'oldest' }))).toEqual([a.id, b.id, c.id]);
    expect(ids(await store.incidents.list({ service, openOnly: true }))).toEqual([b.id, a.id]);
    expect(ids(await store.incidents.list({ service, status: ['resolved', 'triggered'] }))).toEqual([c.id, a.id]);
    expect(ids(await store.incidents.list({ service, status: [] }))).toEqual([]);
    expect(ids(await store.incidents.list({ service, limit: 1 }))).toEqual([c.id]);
  });

  it('finds the open incident by fingerprint and ignores resolved and closed ones', async () => {
    const service = unique('svc');
    const fingerprint = 'rate:ip:198.51.100.9';
    await store.incidents.create(newIncident({ service, fingerprint, status: 'resolved' }));
    await store.incidents.create(newIncident({ service, fingerprint, status: 'closed' }));
    expect(await store.incidents.findOpenByFingerprint(service, fingerprint)).toBeUndefined();
    const open = await store.incidents.create(newIncident({ service, fingerprint, status: 'mitigated' }));
    expect((await store.incidents.findOpenByFingerprint(service, fingerprint))?.id).toBe(open.id);
    expect(await store.incidents.findOpenByFingerprint(unique('svc'), fingerprint)).toBeUndefined();
  });

  it('applies a conditional update only while the status is still the expected one', async () => {
    const incident = await store.incidents.create(newIncident({ service: unique('svc') }));
    const acked = await store.incidents.update(
      incident.id,
      { status: 'acknowledged', acknowledgedAt: at(1), commander: 'alice', updatedAt: at(1) },
      'triggered',
    );
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedAt: at(1), commander: 'alice', updatedAt: at(1) });
    const lost = await store.incidents.update(incident.id, { status: 'resolved', updatedAt: at(2) }, 'triggered');
    expect(lost).toBeUndefined();
    expect(await store.incidents.get(incident.id)).toEqual(acked);
    const scope = { tenants: ['t1'], events: [], ips: [], tokenPreviews: [] };
    const plain = await store.incidents.update(incident.id, { scope, commander: null, updatedAt: at(3) });
    expect(plain).toMatchObject({ scope, commander: null, status: 'acknowledged', title: incident.title });
    expect(await store.incidents.update('INC-999999', { updatedAt: at(4) })).toBeUndefined();
    expect(await store.incidents.update('garbage', { updatedAt: at(4) })).toBeUndefined();
  });

  it('lets exactly one of two simultaneous transitions win', async () => {
    const incident = await store.incidents.create(newIncident({ service: unique('svc') }));
    const results = await Promise.all([
      store.incidents.update(incident.id, { status: 'acknowledged', updatedAt: at(1) }, 'triggered'),
      store.incidents.update(incident.id, { status: 'resolved', updatedAt: at(1) }, 'triggered'),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('appends timeline entries in order and pages through them', async () => {
    const incident = await store.incidents.create(newIncident({ service: unique('svc') }));
    const appended = [];
    for (let i = 0; i < 5; i++) {
      appended.push(
        await store.timeline.append({
          incidentId: incident.id,
          at: at(i),
          actor: 'detector',
          kind: 'signal',
          summary: `signal ${i}`,
          data: { value: i, nested: { ok: true } },
        }),
      );
    }
    const all = await store.timeline.list(incident.id);
    expect(all).toEqual(appended);
    expect(all.map((e) => e.summary)).toEqual(['signal 0', 'signal 1', 'signal 2', 'signal 3', 'signal 4']);
    expect(all[0]).toMatchObject({ incidentId: incident.id, data: { value: 0, nested: { ok: true } } });
    const first = await store.timeline.list(incident.id, { limit: 2 });
    const second = await store.timeline.list(incident.id, { limit: 2, afterId: first[1]?.id ?? 0 });
    expect([...first, ...second].map((e) => e.summary)).toEqual(all.slice(0, 4).map((e) => e.summary));
    expect(await store.timeline.count(incident.id)).toBe(5);
    expect(await store.timeline.list('garbage')).toEqual([]);
    await expect(
      store.timeline.append({ incidentId: 'nope', at: T0, actor: 'x', kind: 'note', summary: 's', data: {} }),
    ).rejects.toMatchObject({ code: 'RAMPART_NOT_FOUND' });
    // The foreign key is on in both engines: an entry cannot point at a missing incident.
    await expect(
      store.timeline.append({ incidentId: 'INC-999999', at: T0, actor: 'x', kind: 'note', summary: 's', data: {} }),
    ).rejects.toThrow();
  });

  it('tracks checklist steps in playbook order and lists the overdue pending ones', async () => {
    const incident = await store.incidents.create(newIncident({ service: unique('svc'), createdAt: T0 }));
    const items = planChecklist(incident.id, new Date(T0), [
      { name: 'first 15 minutes', timeBoxMs: 15 * 60_000, steps: [
        { id: 'ack', title: 'Acknowledge', automatic: null },
        { id: 'snapshot', title: 'Evidence snapshot', automatic: 'evidence-snapshot' },
      ] },
      { name: 'next 30 minutes', timeBoxMs: 30 * 60_000, steps: [{ id: 'comms', title: 'Tell users', automatic: null }] },
    ]);
    await store.checklist.insertMany(items);
    await store.checklist.insertMany([]);
    expect(await store.checklist.list(incident.id)).toEqual(items);
    const done = await store.checklist.setStatus(incident.id, 'ack', {
      status: 'done', completedAt: at(5), completedBy: 'alice', note: 'on it',
    });
    expect(done).toMatchObject({ stepId: 'ack', status: 'done', completedBy: 'alice', note: 'on it', position: 0 });
    expect(await store.checklist.get(incident.id, 'ack')).toEqual(done);
    expect(await store.checklist.setStatus(incident.id, 'missing', {
      status: 'done', completedAt: null, completedBy: null, note: null,
    })).toBeUndefined();
    const mine = async (now: string): Promise<string[]> =>
      (await store.checklist.listOverdue(now)).filter((i) => i.incidentId === incident.id).map((i) => i.stepId);
    expect(await mine(at(10))).toEqual([]);
    expect(await mine(at(16))).toEqual(['snapshot']);
    expect(await mine(at(46))).toEqual(['snapshot', 'comms']);
  });

  it('tells mitigations in force from lifted and expired ones', async () => {
    const service = unique('svc');
    const incident = await store.incidents.create(newIncident({ service }));
    const forever = await store.mitigations.create(newMitigation({ service, incidentId: incident.id, data: { a: 1 } }));
    const expiring = await store.mitigations.create(newMitigation({ service, createdAt: at(1), expiresAt: at(60) }));
    const lifted = await store.mitigations.create(newMitigation({ service, createdAt: at(2) }));
    expect(await store.mitigations.get(forever.id)).toEqual(forever);
    expect(forever).toMatchObject({ incidentId: incident.id, data: { a: 1 } });
    const liftedNow = await store.mitigations.lift(lifted.id, at(3), 'cli:bob');
    expect(liftedNow).toMatchObject({ liftedAt: at(3), liftedBy: 'cli:bob' });
    expect(await store.mitigations.lift(lifted.id, at(4), 'cli:carol')).toBeUndefined();
    expect(await store.mitigations.lift('missing', at(4), 'cli:carol')).toBeUndefined();
    const ids = async (t: string): Promise<string[]> =>
      (await store.mitigations.list({ service, inForceAt: t })).map((m) => m.id);
    expect(await ids(at(30))).toEqual([expiring.id, forever.id]);
    expect(await ids(at(60))).toEqual([forever.id]);
    const all = await store.mitigations.list({ service });
    expect(all.map((m) => m.id)).toEqual([lifted.id, expiring.id, forever.id]);
    // The query and the domain rule agree.
    expect(all.filter((m) => isInForce(m, new Date(at(30)))).map((m) => m.id)).toEqual(await ids(at(30)));
    expect((await store.mitigations.list({ incidentId: incident.id })).map((m) => m.id)).toEqual([forever.id]);
  });

  it('creates, updates and lists due post-mortems', async () => {
    const incident = await store.incidents.create(newIncident({ service: unique('svc') }));
    const pm = await store.postmortems.create({
      incidentId: incident.id, status: 'open', dueAt: at(60), createdAt: T0, publishedAt: null,
      sections: [{ name: 'Summary', body: '' }, { name: 'Timeline', body: '' }],
      followUps: [],
    });
    expect(await store.postmortems.get(incident.id)).toEqual(pm);
    const due = async (now: string): Promise<string[]> =>
      (await store.postmortems.listDue(now)).filter((p) => p.incidentId === incident.id).map((p) => p.incidentId);
    expect(await due(at(30))).toEqual([]);
    expect(await due(at(61))).toEqual([incident.id]);
    const updated = await store.postmortems.update({
      ...pm, sections: [{ name: 'Summary', body: 'Tokens were guessed.' }],
      followUps: [{ id: 'f1', title: 'Longer tokens', owner: 'alice', done: false }],
    });
    expect(await store.postmortems.get(incident.id)).toEqual(updated);
    await store.postmortems.update({ ...updated, status: 'published', publishedAt: at(62) });
    expect(await due(at(90))).toEqual([]);
    await expect(store.postmortems.update({ ...pm, incidentId: 'INC-999999' })).rejects.toMatchObject({
      code: 'RAMPART_NOT_FOUND',
    });
  });

  it('appends audit entries and lists them newest first, filtered by actor or target', async () => {
    const actor = unique('cli');
    const first = await store.audit.append({ at: T0, actor, action: 'incident.ack', target: 'INC-1', details: { x: 1 } });
    const second = await store.audit.append({ at: at(1), actor, action: 'key.revoke', target: 'key-9', details: {} });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await store.audit.list({ actor })).toEqual([second, first]);
    expect(await store.audit.list({ actor, target: 'INC-1' })).toEqual([first]);
    expect(await store.audit.list({ actor, limit: 1 })).toEqual([second]);
  });

  it('stores API keys by hash, refuses a duplicate hash, and revokes once', async () => {
    const key = await store.apiKeys.create(newApiKey());
    expect(await store.apiKeys.findByHash(key.hash)).toEqual(key);
    expect(await store.apiKeys.findByHash('no-such-hash')).toBeUndefined();
    expect((await store.apiKeys.list()).map((k) => k.id)).toContain(key.id);
    await expect(store.apiKeys.create(newApiKey({ hash: key.hash }))).rejects.toThrow();
    const revoked = await store.apiKeys.revoke(key.id, at(5));
    expect(revoked).toEqual({ ...key, revokedAt: at(5) });
    expect(await store.apiKeys.revoke(key.id, at(9))).toEqual(revoked);
    expect(await store.apiKeys.revoke('missing', at(9))).toBeUndefined();
  });

  it('commits a transaction as a whole and rolls it back as a whole', async () => {
    const service = unique('svc');
    const committed = await store.transaction(async (tx) => {
      const incident = await tx.incidents.create(newIncident({ service }));
      await tx.timeline.append({ incidentId: incident.id, at: T0, actor: 'x', kind: 'created', summary: 'c', data: {} });
      return incident;
    });
    expect(await store.timeline.count(committed.id)).toBe(1);

    const failing = unique('svc');
    let createdId = '';
    await expect(
      store.transaction(async (tx) => {
        const incident = await tx.incidents.create(newIncident({ service: failing }));
        createdId = incident.id;
        await tx.timeline.append({ incidentId: incident.id, at: T0, actor: 'x', kind: 'created', summary: 'c', data: {} });
        await tx.audit.append({ at: T0, actor: failing, action: 'incident.open', target: incident.id, details: {} });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(createdId).not.toBe('');
    expect(await store.incidents.list({ service: failing })).toEqual([]);
    expect(await store.timeline.count(createdId)).toBe(0);
    expect(await store.audit.list({ actor: failing })).toEqual([]);
  });

  it('re-opens without re-running migrations, and a second connection sees the writes', async () => {
    const incident = await store.incidents.create(newIncident({ service: unique('svc') }));
    const again = await openStore(target.url, { cwd: target.cwd });
    try {
      expect(again).toBeInstanceOf(KyselyStore);
      expect(await migrateToLatest((again as KyselyStore).db, engine.name)).toEqual([]);
      expect(await again.incidents.get(incident.id)).toEqual(incident);
      const entry = await again.timeline.append({
        incidentId: incident.id, at: T0, actor: 'cli:alice', kind: 'note', summary: 'from the CLI', data: {},
      });
      expect(await store.timeline.list(incident.id)).toEqual([entry]);
    } finally {
      await again.close();
    }
  });
});
