import { expect, it } from 'vitest';
import { planChecklist } from '../../domain/checklist.js';
import { isInForce } from '../../domain/mitigation.js';
import { T0, at, newApiKey, newIncident, newMitigation, unique } from './fixtures.js';
import type { ContractContext } from './incident-cases.js';

/** Checklists, mitigations, post-mortems, audit and API keys. */
export function recordCases(ctx: ContractContext): void {
  it('tracks checklist steps in playbook order and lists the overdue pending ones', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc'), createdAt: T0 }));
    const items = planChecklist(incident.id, new Date(T0), [
      {
        name: 'first 15 minutes',
        timeBoxMs: 15 * 60_000,
        steps: [
          { id: 'ack', title: 'Acknowledge', automatic: null },
          { id: 'snapshot', title: 'Evidence snapshot', automatic: 'evidence-snapshot' },
        ],
      },
      {
        name: 'next 30 minutes',
        timeBoxMs: 30 * 60_000,
        steps: [{ id: 'comms', title: 'Tell users', automatic: null }],
      },
    ]);
    await ctx.store.checklist.insertMany(items);
    await ctx.store.checklist.insertMany([]);
    expect(await ctx.store.checklist.list(incident.id)).toEqual(items);
    const done = await ctx.store.checklist.setStatus(incident.id, 'ack', {
      status: 'done',
      completedAt: at(5),
      completedBy: 'alice',
      note: 'on it',
    });
    expect(done).toMatchObject({
      stepId: 'ack',
      status: 'done',
      completedBy: 'alice',
      note: 'on it',
      position: 0,
    });
    expect(await ctx.store.checklist.get(incident.id, 'ack')).toEqual(done);
    expect(
      await ctx.store.checklist.setStatus(incident.id, 'missing', {
        status: 'done',
        completedAt: null,
        completedBy: null,
        note: null,
      }),
    ).toBeUndefined();
    const mine = async (now: string): Promise<string[]> =>
      (await ctx.store.checklist.listOverdue(now))
        .filter((i) => i.incidentId === incident.id)
        .map((i) => i.stepId);
    expect(await mine(at(10))).toEqual([]);
    expect(await mine(at(16))).toEqual(['snapshot']);
    expect(await mine(at(46))).toEqual(['snapshot', 'comms']);
  });

  it('tells mitigations in force from lifted and expired ones', async () => {
    const service = unique('svc');
    const incident = await ctx.store.incidents.create(newIncident({ service }));
    const forever = await ctx.store.mitigations.create(
      newMitigation({ service, incidentId: incident.id, data: { a: 1 } }),
    );
    const expiring = await ctx.store.mitigations.create(
      newMitigation({ service, createdAt: at(1), expiresAt: at(60) }),
    );
    const lifted = await ctx.store.mitigations.create(newMitigation({ service, createdAt: at(2) }));
    expect(await ctx.store.mitigations.get(forever.id)).toEqual(forever);
    expect(forever).toMatchObject({ incidentId: incident.id, data: { a: 1 } });
    const liftedNow = await ctx.store.mitigations.lift(lifted.id, at(3), 'cli:bob');
    expect(liftedNow).toMatchObject({ liftedAt: at(3), liftedBy: 'cli:bob' });
    expect(await ctx.store.mitigations.lift(lifted.id, at(4), 'cli:carol')).toBeUndefined();
    expect(await ctx.store.mitigations.lift('missing', at(4), 'cli:carol')).toBeUndefined();
    const ids = async (t: string): Promise<string[]> =>
      (await ctx.store.mitigations.list({ service, inForceAt: t })).map((m) => m.id);
    expect(await ids(at(30))).toEqual([expiring.id, forever.id]);
    expect(await ids(at(60))).toEqual([forever.id]);
    const all = await ctx.store.mitigations.list({ service });
    expect(all.map((m) => m.id)).toEqual([lifted.id, expiring.id, forever.id]);
    // The query and the domain rule agree.
    expect(all.filter((m) => isInForce(m, new Date(at(30)))).map((m) => m.id)).toEqual(await ids(at(30)));
    expect((await ctx.store.mitigations.list({ incidentId: incident.id })).map((m) => m.id)).toEqual([
      forever.id,
    ]);
  });

  it('creates, updates and lists due post-mortems', async () => {
    const incident = await ctx.store.incidents.create(newIncident({ service: unique('svc') }));
    const pm = await ctx.store.postmortems.create({
      incidentId: incident.id,
      status: 'open',
      dueAt: at(60),
      createdAt: T0,
      publishedAt: null,
      sections: [
        { name: 'Summary', body: '' },
        { name: 'Timeline', body: '' },
      ],
      followUps: [],
    });
    expect(await ctx.store.postmortems.get(incident.id)).toEqual(pm);
    const due = async (now: string): Promise<string[]> =>
      (await ctx.store.postmortems.listDue(now))
        .filter((p) => p.incidentId === incident.id)
        .map((p) => p.incidentId);
    expect(await due(at(30))).toEqual([]);
    expect(await due(at(61))).toEqual([incident.id]);
    const updated = await ctx.store.postmortems.update({
      ...pm,
      sections: [{ name: 'Summary', body: 'Tokens were guessed.' }],
      followUps: [{ id: 'f1', title: 'Longer tokens', owner: 'alice', done: false }],
    });
    expect(await ctx.store.postmortems.get(incident.id)).toEqual(updated);
    await ctx.store.postmortems.update({ ...updated, status: 'published', publishedAt: at(62) });
    expect(await due(at(90))).toEqual([]);
    await expect(ctx.store.postmortems.update({ ...pm, incidentId: 'INC-999999' })).rejects.toMatchObject({
      code: 'RAMPART_NOT_FOUND',
    });
  });

  it('appends audit entries and lists them newest first, filtered by actor or target', async () => {
    const actor = unique('cli');
    const first = await ctx.store.audit.append({
      at: T0,
      actor,
      action: 'incident.ack',
      target: 'INC-1',
      details: { x: 1 },
    });
    const second = await ctx.store.audit.append({
      at: at(1),
      actor,
      action: 'key.revoke',
      target: 'key-9',
      details: {},
    });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await ctx.store.audit.list({ actor })).toEqual([second, first]);
    expect(await ctx.store.audit.list({ actor, target: 'INC-1' })).toEqual([first]);
    expect(await ctx.store.audit.list({ actor, limit: 1 })).toEqual([second]);
  });

  it('stores API keys by hash, refuses a duplicate hash, and revokes once', async () => {
    const key = await ctx.store.apiKeys.create(newApiKey());
    expect(await ctx.store.apiKeys.findByHash(key.hash)).toEqual(key);
    expect(await ctx.store.apiKeys.findByHash('no-such-hash')).toBeUndefined();
    expect((await ctx.store.apiKeys.list()).map((k) => k.id)).toContain(key.id);
    await expect(ctx.store.apiKeys.create(newApiKey({ hash: key.hash }))).rejects.toThrow();
    const revoked = await ctx.store.apiKeys.revoke(key.id, at(5));
    expect(revoked).toEqual({ ...key, revokedAt: at(5) });
    expect(await ctx.store.apiKeys.revoke(key.id, at(9))).toEqual(revoked);
    expect(await ctx.store.apiKeys.revoke('missing', at(9))).toBeUndefined();
  });
}
