import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOf } from '../desk/index.js';
import { testPolicy } from '../desk/testing/test-policy.js';
import { openStore, type Store } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { startConsoleApi, type ConsoleApi } from './testing/console-api.js';

const engines = await contractEngines();

/** A policy whose resolve waits for a manual confirmation, so the gate can refuse and be overridden. */
const gated = {
  ...testPolicy,
  verification: [{ name: 'Tenant confirmed', check: 'manual' as const, text: 'ask' }],
};

describe.each(engines)('the routes the console added, on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  let api: ConsoleApi;

  beforeAll(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
    api = await startConsoleApi(store, { services: catalogOf([gated]) });
  });
  afterAll(async () => {
    await api.close();
    await store.close();
    await target.drop();
  });

  const call = async <T = Record<string, unknown>>(
    role: keyof ConsoleApi['keys'],
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await fetch(`${api.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${api.keys[role]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text.startsWith('{') ? JSON.parse(text) : text) as T,
    };
  };
  const open = async (title = 'Gallery down') =>
    (
      await call<{ id: string }>('responder', 'POST', '/v1/incidents', {
        service: 'guest-api',
        title,
        severity: 'SEV-1',
      })
    ).body.id;

  it('lets an admin key resolve past a failing verification with a reason, and not a responder', async () => {
    const id = await open();
    const refused = await call('responder', 'POST', `/v1/incidents/${id}/resolve`, {});
    expect(refused.status).toBe(409);
    const responder = await call('responder', 'POST', `/v1/incidents/${id}/resolve`, {
      override: { reason: 'x' },
    });
    expect(responder.status).toBe(403);
    const admin = await call('admin', 'POST', `/v1/incidents/${id}/resolve`, {
      override: { reason: 'drill: nothing to re-test' },
    });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ status: 'resolved' });
    const [last] = await store.timeline.recent({ incidentId: id, kinds: ['verification'], limit: 1 });
    expect(last?.summary).toContain('drill: nothing to re-test');
  });

  it('extends a mitigation in force with a reason on the timeline, and refuses a lifted one', async () => {
    const id = await open('Token brute force');
    const applied = await call<{ id: string; expiresAt: string }>('responder', 'POST', '/v1/mitigations', {
      service: 'guest-api',
      kind: 'block',
      target: '203.0.113.0/24',
      reason: 'enumeration',
      forMs: 600_000,
      incidentId: id,
    });
    expect(applied.status).toBe(201);
    const viewer = await call('viewer', 'POST', `/v1/mitigations/${applied.body.id}/extend`, {
      forMs: 3_600_000,
      reason: 'x',
    });
    expect(viewer.status).toBe(403);
    const bad = await call('responder', 'POST', `/v1/mitigations/${applied.body.id}/extend`, {
      forMs: -1,
      reason: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { message: expect.stringContaining('body.forMs') as unknown } });
    const extended = await call<{ expiresAt: string }>(
      'responder',
      'POST',
      `/v1/mitigations/${applied.body.id}/extend`,
      {
        forMs: 3_600_000,
        reason: 'the attack goes on',
      },
    );
    expect(extended.status).toBe(200);
    expect(extended.body.expiresAt).toBe(new Date(api.clock.now().getTime() + 3_600_000).toISOString());
    const [entry] = await store.timeline.recent({ incidentId: id, kinds: ['mitigation'], limit: 1 });
    expect(entry?.summary).toMatch(/^extended block 203\.0\.113\.0\/24 until .*: the attack goes on$/);
    expect((await store.audit.list({ action: 'mitigation.extend', limit: 1 }))[0]?.actor).toMatch(
      /^api:responder-/,
    );
    await call('responder', 'DELETE', `/v1/mitigations/${applied.body.id}`);
    const late = await call('responder', 'POST', `/v1/mitigations/${applied.body.id}/extend`, {
      forMs: 60_000,
      reason: 'x',
    });
    expect(late.status).toBe(409);
  });

  it("edits the post-mortem's sections and follow-ups, refusing a section the playbook does not have", async () => {
    const id = await open('Outage');
    await call('admin', 'POST', `/v1/incidents/${id}/resolve`, { override: { reason: 'test' } });
    const followUp = await call<{ followUps: { id: string }[] }>(
      'responder',
      'POST',
      `/v1/incidents/${id}/postmortem/follow-ups`,
      {
        title: 'Alert on token 404s',
      },
    );
    const fid = followUp.body.followUps[0]?.id ?? '';
    const typo = await call('responder', 'POST', `/v1/incidents/${id}/postmortem`, {
      sections: [{ name: 'summry', body: 'x' }],
    });
    expect(typo.status).toBe(400);
    expect(typo.body).toMatchObject({ error: { message: 'body.sections.0.name: no section "summry"' } });
    const saved = await call<{ sections: { name: string; body: string }[]; followUps: { done: boolean }[] }>(
      'responder',
      'POST',
      `/v1/incidents/${id}/postmortem`,
      {
        sections: [{ name: 'summary', body: 'The gallery was down for 12 minutes.' }],
        followUps: [{ id: fid, done: true }],
      },
    );
    expect(saved.status).toBe(200);
    expect(saved.body.sections.find((s) => s.name === 'summary')?.body).toBe(
      'The gallery was down for 12 minutes.',
    );
    expect(saved.body.followUps[0]?.done).toBe(true);
    const [entry] = await store.timeline.recent({ incidentId: id, kinds: ['postmortem'], limit: 1 });
    expect(entry?.summary).toBe('post-mortem sections edited: summary; follow-up done: Alert on token 404s');
    const report = await call<string>('viewer', 'GET', `/v1/incidents/${id}/report`);
    expect(report.body).toContain('The gallery was down for 12 minutes.');
  });

  it('answers an overview of bounded size: counts of every incident, one page of open ones by severity', async () => {
    for (let i = 0; i < 3; i++) await open(`Overview ${i}`);
    const overview = await call<{
      counts: { status: string; count: number }[];
      open: { total: number; rows: { incident: { id: string; severity: string }; timeBox: unknown }[] };
    }>('viewer', 'GET', '/v1/overview?limit=2');
    expect(overview.status).toBe(200);
    const openTotal = overview.body.counts
      .filter((c) => !['resolved', 'closed'].includes(c.status))
      .reduce((n, c) => n + c.count, 0);
    expect(overview.body.open.total).toBe(openTotal);
    expect(overview.body.open.rows).toHaveLength(2);
    expect(overview.body.open.rows[0]?.timeBox).toMatchObject({ phase: 'First 15 minutes' });
    expect((await call('viewer', 'GET', '/v1/overview?limit=201')).status).toBe(400);
  });

  it('streams desk changes as server-sent events, resumes after Last-Event-ID, and resets an unknown id', async () => {
    const id = await open('Streamed');
    const read = async (lastEventId?: string, until = 'incident.changed') => {
      const controller = new AbortController();
      const res = await fetch(`${api.base}/v1/stream`, {
        headers: {
          authorization: `Bearer ${api.keys.viewer}`,
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        signal: controller.signal,
      });
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const deadline = Date.now() + 10_000;
      while (!text.includes(`event: ${until}`) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        if (until === 'retry') break;
      }
      controller.abort();
      return text;
    };
    const pending = read();
    await new Promise((r) => setTimeout(r, 300));
    await call('responder', 'POST', `/v1/incidents/${id}/notes`, { text: 'seen live' });
    const live = await pending;
    const match = /id: (\S+)\nevent: incident.changed\ndata: (.*)\n/.exec(live);
    expect(JSON.parse(match?.[2] ?? '{}')).toMatchObject({
      incidentId: id,
      entry: { kind: 'note', summary: 'seen live' },
    });

    // Two changes while no stream is open: a stream resumed after the first id gets both.
    await call('responder', 'POST', `/v1/incidents/${id}/notes`, { text: 'missed one' });
    await call('responder', 'POST', `/v1/incidents/${id}/notes`, { text: 'missed two' });
    const resumed = await read(match?.[1], 'incident.changed');
    expect(resumed).toContain('missed one');
    const reset = await read('feedface.12', 'reset');
    expect(reset).toContain('event: reset');
    expect((await fetch(`${api.base}/v1/stream`)).status).toBe(401);
  });
});
