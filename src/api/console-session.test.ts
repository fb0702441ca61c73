import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../shared/secrets.js';
import { openStore, type Store } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { signInAs, startConsoleApi, type ConsoleApi } from './testing/console-api.js';

const engines = await contractEngines();

describe.each(engines)('console sign-in and sessions on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  let api: ConsoleApi;

  beforeAll(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
    api = await startConsoleApi(store);
  });
  afterAll(async () => {
    await api.close();
    await store.close();
    await target.drop();
  });

  const call = (
    method: string,
    path: string,
    options: { cookie?: string; csrf?: string; origin?: string; body?: unknown } = {},
  ) =>
    fetch(`${api.base}${path}`, {
      method,
      headers: {
        ...(options.cookie ? { cookie: options.cookie } : {}),
        ...(options.csrf ? { 'x-rampart-csrf': options.csrf } : {}),
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });

  it('exchanges a pasted key for an HttpOnly, SameSite=Strict cookie with an expiry, storing only its hash', async () => {
    const wrong = await call('POST', '/v1/session', { body: { key: 'rk_not-a-key' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const session = await signInAs(api.base, api.keys.viewer);
    expect(session.setCookie).toMatch(/^rampart_session=rs_[\w-]{40,};/);
    expect(session.setCookie).toMatch(/; HttpOnly/i);
    expect(session.setCookie).toMatch(/; SameSite=Strict/i);
    expect(session.setCookie).toMatch(/; Max-Age=43200/i);
    expect(session.setCookie).toMatch(/; Path=\//i);
    expect(session.setCookie).not.toContain(api.keys.viewer);
    const secret = session.cookie.split('=')[1] ?? '';
    expect(await store.consoleSessions.get(sha256(secret))).toBeDefined();
    expect(await store.consoleSessions.get(secret)).toBeUndefined();

    const me = await call('GET', '/v1/session', { cookie: session.cookie });
    expect(me.status).toBe(200);
    const body = (await me.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ role: 'viewer', csrfToken: session.csrf });
    expect(JSON.stringify(body)).not.toContain(api.keys.viewer);
    expect((await call('GET', '/v1/incidents', { cookie: session.cookie })).status).toBe(200);
  });

  it('refuses a change made with the cookie alone, a wrong token or another origin, and writes nothing', async () => {
    const session = await signInAs(api.base, api.keys.responder);
    const opened = await call('POST', '/v1/incidents', {
      cookie: session.cookie,
      csrf: session.csrf,
      body: { service: 'guest-api', title: 'Gallery down', severity: 'SEV-1' },
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    const before = await store.timeline.count(id);

    const note = { text: 'from the console' };
    const bare = await call('POST', `/v1/incidents/${id}/notes`, { cookie: session.cookie, body: note });
    expect(bare.status).toBe(403);
    expect(await bare.json()).toMatchObject({ error: { code: 'RAMPART_FORBIDDEN' } });
    const forged = await call('POST', `/v1/incidents/${id}/notes`, {
      cookie: session.cookie,
      csrf: `${session.csrf.slice(0, -2)}xx`,
      body: note,
    });
    expect(forged.status).toBe(403);
    const crossSite = await call('POST', `/v1/incidents/${id}/notes`, {
      cookie: session.cookie,
      csrf: session.csrf,
      origin: 'https://evil.example',
      body: note,
    });
    expect(crossSite.status).toBe(403);
    expect(await store.timeline.count(id)).toBe(before);

    const good = await call('POST', `/v1/incidents/${id}/notes`, {
      cookie: session.cookie,
      csrf: session.csrf,
      origin: api.base,
      body: note,
    });
    expect(good.status).toBe(201);
    const [last] = await store.timeline.recent({ incidentId: id, limit: 1 });
    expect(last).toMatchObject({ kind: 'note', actor: expect.stringMatching(/^web:responder-/) as unknown });
  });

  it("keeps a viewer's session from changing anything, CSRF token or not", async () => {
    const session = await signInAs(api.base, api.keys.viewer);
    const res = await call('POST', '/v1/incidents', {
      cookie: session.cookie,
      csrf: session.csrf,
      body: { service: 'guest-api', title: 'x' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { message: expect.stringContaining('responder') as unknown },
    });
  });

  it('signs out, ends at its expiry and with its key, and holds at most ten sessions per key', async () => {
    const session = await signInAs(api.base, api.keys.viewer);
    const out = await call('DELETE', '/v1/session', { cookie: session.cookie, csrf: session.csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/rampart_session=;.*Expires=Thu, 01 Jan 1970/i);
    expect((await call('GET', '/v1/session', { cookie: session.cookie })).status).toBe(401);
    const audit = await store.audit.list({ action: 'session.delete', limit: 1 });
    expect(audit[0]?.actor).toMatch(/^web:viewer-/);

    const later = await signInAs(api.base, api.keys.viewer);
    api.clock.advance(12 * 3_600_000 + 1);
    expect((await call('GET', '/v1/incidents', { cookie: later.cookie })).status).toBe(401);

    const admin = await signInAs(api.base, api.keys.admin);
    const keys = (
      (await await fetch(`${api.base}/v1/keys`, {
        headers: { authorization: `Bearer ${api.keys.admin}` },
      }).then((r) => r.json())) as { keys: { id: string; name: string }[] }
    ).keys;
    const responderKey = keys.find((k) => k.name.startsWith('responder-'));
    const responder = await signInAs(api.base, api.keys.responder);
    const revoked = await call('DELETE', `/v1/keys/${responderKey?.id ?? ''}`, {
      cookie: admin.cookie,
      csrf: admin.csrf,
    });
    expect(revoked.status).toBe(200);
    expect((await call('GET', '/v1/incidents', { cookie: responder.cookie })).status).toBe(401);

    const sessions = [];
    for (let i = 0; i < 12; i++) {
      api.clock.advance(1_000);
      sessions.push(await signInAs(api.base, api.keys.viewer));
    }
    const live = [];
    for (const s of sessions) live.push((await call('GET', '/v1/session', { cookie: s.cookie })).status);
    expect(live.filter((s) => s === 200)).toHaveLength(10);
    expect(live.slice(0, 2)).toEqual([401, 401]);
  });
});
