import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { RampartError } from '../shared/errors.js';
import { openStore, type Store } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import type { DeskContext } from './context.js';
import {
  acknowledge,
  applyMitigation,
  applyMitigationInput,
  liftMitigation,
  addFollowUp,
  addNote,
  catalogOf,
  changeSeverity,
  changeSeverityInput,
  closeIncident,
  ingestSignal,
  markMitigated,
  openIncident,
  readIncident,
  resolveIncident,
  updateChecklistStep,
} from './index.js';
import { testPolicy } from './testing/test-policy.js';

const MINUTE = 60_000;
const engines = await contractEngines();

async function expectRefused(promise: Promise<unknown>, code: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RampartError);
  expect((error as RampartError).code).toBe(code);
}

describe.each(engines)('an incident through its whole life on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const ctx = (actor: string): DeskContext => ({ store, clock, services: catalogOf([testPolicy]), actor });

  beforeAll(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
  });
  afterAll(async () => {
    await store.close();
    await target.drop();
  });

  it('keeps the timeline, checklist deadlines, refusals and audit log a responder would expect', async () => {
    const opened = await openIncident({
      ctx: ctx('cli:alice'),
      input: {
        service: 'guest-api',
        title: 'Join-token brute force from 203.0.113.0/24',
        type: 'brute-force',
        scope: { ips: ['203.0.113.7'] },
      },
    });
    expect(opened).toMatchObject({
      status: 'triggered',
      severity: 'SEV-2',
      severityRank: 2,
      commander: null,
    });
    expect(opened.id).toMatch(/^INC-\d+$/);

    // Checklist deadlines come from consecutive time boxes: 15 minutes, then 30 more.
    const view0 = await readIncident(store, opened.id);
    expect(view0.checklist.map((c) => [c.stepId, c.deadline])).toEqual([
      ['confirm-availability', '2026-03-02T09:15:00.000Z'],
      ['snapshot-logs', '2026-03-02T09:15:00.000Z'],
      ['assess-scope', '2026-03-02T09:45:00.000Z'],
    ]);

    clock.advance(2 * MINUTE);
    const acked = await acknowledge({ ctx: ctx('cli:bob'), input: { id: opened.id } });
    expect(acked).toMatchObject({
      status: 'acknowledged',
      commander: 'cli:bob',
      acknowledgedAt: '2026-03-02T09:02:00.000Z',
    });

    clock.advance(MINUTE);
    await addNote({ ctx: ctx('cli:bob'), input: { id: opened.id, text: 'Blocking the /24 at the gateway' } });

    // A severity change needs a reason, and both levels go on the timeline.
    expect(changeSeverityInput.safeParse({ id: opened.id, severity: 'SEV-1', reason: '  ' }).success).toBe(
      false,
    );
    await expectRefused(
      changeSeverity({ ctx: ctx('cli:bob'), input: { id: opened.id, severity: 'SEV-9', reason: 'x' } }),
      'RAMPART_UNKNOWN_SEVERITY',
    );
    const raised = await changeSeverity({
      ctx: ctx('cli:bob'),
      input: { id: opened.id, severity: 'SEV-1', reason: 'gallery downloads affected' },
    });
    expect(raised).toMatchObject({ severity: 'SEV-1', severityRank: 1 });

    // Ticking a step after its time box says so.
    clock.advance(20 * MINUTE);
    const late = await updateChecklistStep({
      ctx: ctx('cli:bob'),
      input: { id: opened.id, step: 'snapshot-logs', status: 'done' },
    });
    expect(late).toMatchObject({
      status: 'done',
      completedBy: 'cli:bob',
      completedAt: '2026-03-02T09:23:00.000Z',
    });

    // Closing before resolving is refused, and the refusal writes nothing.
    const entriesBefore = await store.timeline.count(opened.id);
    const auditBefore = (await store.audit.list({ limit: 1000 })).length;
    await expectRefused(
      closeIncident({ ctx: ctx('cli:bob'), input: { id: opened.id } }),
      'RAMPART_INVALID_TRANSITION',
    );
    expect(await store.timeline.count(opened.id)).toBe(entriesBefore);
    expect((await store.audit.list({ limit: 1000 })).length).toBe(auditBefore);
    expect((await store.incidents.get(opened.id))?.status).toBe('acknowledged');

    clock.advance(5 * MINUTE);
    await markMitigated({ ctx: ctx('cli:bob'), input: { id: opened.id, note: '/24 blocked for 1h' } });
    await expectRefused(
      acknowledge({ ctx: ctx('cli:bob'), input: { id: opened.id } }),
      'RAMPART_INVALID_TRANSITION',
    );

    clock.advance(30 * MINUTE);
    const resolved = await resolveIncident({ ctx: ctx('cli:bob'), input: { id: opened.id } });
    expect(resolved.resolvedAt).toBe('2026-03-02T09:58:00.000Z');
    const withPostmortem = await readIncident(store, opened.id);
    expect(withPostmortem.postmortem).toMatchObject({ status: 'open', dueAt: '2026-03-04T09:58:00.000Z' });
    expect(withPostmortem.postmortem?.sections.map((s) => s.name)).toEqual(testPolicy.postmortemSections);

    await addFollowUp({
      ctx: ctx('cli:bob'),
      input: { id: opened.id, title: 'Enable synthetic monitors', owner: 'alice' },
    });
    await closeIncident({ ctx: ctx('cli:alice'), input: { id: opened.id } });
    await expectRefused(
      addNote({ ctx: ctx('cli:bob'), input: { id: 'INC-999999', text: 'x' } }),
      'RAMPART_NOT_FOUND',
    );

    const final = await readIncident(store, opened.id);
    expect(final.incident.status).toBe('closed');
    expect(final.timeline.map((e) => [e.kind, e.actor])).toEqual([
      ['created', 'cli:alice'],
      ['status', 'cli:bob'],
      ['note', 'cli:bob'],
      ['severity', 'cli:bob'],
      ['checklist', 'cli:bob'],
      ['status', 'cli:bob'],
      ['status', 'cli:bob'],
      ['postmortem', 'cli:bob'],
      ['postmortem', 'cli:bob'],
      ['status', 'cli:alice'],
    ]);
    expect(final.timeline[3]?.summary).toBe('severity raised SEV-2 → SEV-1: gallery downloads affected');
    expect(final.timeline[4]?.summary).toContain('(after its time box)');
    expect(final.timeline.every((e, i, all) => i === 0 || e.at >= (all[i - 1]?.at ?? ''))).toBe(true);

    const audit = (await store.audit.list({ target: opened.id, limit: 100 })).map((a) => a.action).reverse();
    expect(audit).toEqual([
      'incident.open',
      'incident.acknowledge',
      'incident.note',
      'incident.severity',
      'checklist.update',
      'incident.mitigated',
      'incident.resolve',
      'postmortem.open',
      'postmortem.follow-up',
      'incident.close',
    ]);
  });

  it('joins a signal to the open incident with its fingerprint, and opens a new one after resolution', async () => {
    const signal = {
      service: 'guest-api',
      rule: 'token-enumeration',
      fingerprint: 'guest-api:token-enumeration:198.51.100.0/24',
      title: 'Token enumeration from 198.51.100.0/24',
      type: 'brute-force',
      groupKey: '198.51.100.0/24',
      value: 41,
      threshold: 20,
      scope: { ips: ['198.51.100.4'], tokenPreviews: ['ab12…9f'] },
    };
    const first = await ingestSignal({ ctx: ctx('detector'), input: signal });
    expect(first.joined).toBe(false);
    expect(first.incident.severity).toBe('SEV-2');

    const second = await ingestSignal({
      ctx: ctx('detector'),
      input: {
        ...signal,
        severity: 'SEV-1',
        scope: { ips: ['198.51.100.4', '198.51.100.9'], tenants: ['7'] },
      },
    });
    expect(second).toMatchObject({ joined: true, incident: { id: first.incident.id, severity: 'SEV-1' } });
    expect(second.incident.scope).toEqual({
      tenants: ['7'],
      events: [],
      ips: ['198.51.100.4', '198.51.100.9'],
      tokenPreviews: ['ab12…9f'],
      tokens: [],
    });
    const kinds = (await store.timeline.list(first.incident.id)).map((e) => e.kind);
    expect(kinds).toEqual(['created', 'signal', 'signal', 'scope', 'severity']);

    await resolveIncident({ ctx: ctx('cli:bob'), input: { id: first.incident.id } });
    const third = await ingestSignal({ ctx: ctx('detector'), input: signal });
    expect(third.joined).toBe(false);
    expect(third.incident.id).not.toBe(first.incident.id);
  });

  it('lets only one of two simultaneous acknowledgements win', async () => {
    const incident = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'race' },
    });
    const results = await Promise.allSettled([
      acknowledge({ ctx: ctx('cli:alice'), input: { id: incident.id } }),
      acknowledge({ ctx: ctx('cli:bob'), input: { id: incident.id } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const statusEntries = (await store.timeline.list(incident.id)).filter((e) => e.kind === 'status');
    expect(statusEntries).toHaveLength(1);
  });

  it('records mitigations with author, reason, incident and expiry, on the timeline, and lifts them', async () => {
    const incident = await openIncident({
      ctx: ctx('detector'),
      input: { service: 'guest-api', title: 'enumeration' },
    });
    expect(
      applyMitigationInput.safeParse({
        service: 'guest-api',
        kind: 'block',
        target: '203.0.113.0/33',
        reason: 'x',
      }).error?.issues[0],
    ).toMatchObject({
      path: ['target'],
      message: 'prefix length "/33" must be 0–32',
    });
    expect(
      applyMitigationInput.safeParse({
        service: 'guest-api',
        kind: 'block',
        target: '2001:db8::/48',
        reason: 'x',
      }).success,
    ).toBe(true);

    const block = await applyMitigation({
      ctx: ctx('detector'),
      input: {
        service: 'guest-api',
        kind: 'block',
        target: '203.0.113.0/24',
        reason: 'token enumeration',
        forMs: 60 * MINUTE,
        incidentId: incident.id,
      },
    });
    expect(block).toMatchObject({
      author: 'detector',
      incidentId: incident.id,
      createdAt: clock.now().toISOString(),
    });
    expect(Date.parse(block.expiresAt ?? '') - clock.now().getTime()).toBe(60 * MINUTE);
    expect(
      (await store.mitigations.list({ service: 'guest-api', inForceAt: clock.now().toISOString() })).map(
        (m) => m.id,
      ),
    ).toContain(block.id);

    clock.advance(10 * MINUTE);
    await liftMitigation({ ctx: ctx('cli:bob'), input: { id: block.id, reason: 'threat subsided' } });
    await expectRefused(liftMitigation({ ctx: ctx('cli:bob'), input: { id: block.id } }), 'RAMPART_CONFLICT');
    expect(
      (await store.mitigations.list({ service: 'guest-api', inForceAt: clock.now().toISOString() })).map(
        (m) => m.id,
      ),
    ).not.toContain(block.id);
    const summaries = (await store.timeline.list(incident.id))
      .filter((e) => e.kind === 'mitigation')
      .map((e) => [e.actor, e.summary]);
    expect(summaries).toEqual([
      ['detector', `block 203.0.113.0/24 until ${block.expiresAt ?? ''}: token enumeration`],
      ['cli:bob', 'lifted block 203.0.113.0/24: threat subsided'],
    ]);
  });
});
