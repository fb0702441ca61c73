import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../access/create-api-key.js';
import { catalogOf } from '../desk/index.js';
import { testPolicy } from '../desk/testing/test-policy.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { createMetrics } from '../shared/metrics.js';
import { openStore, type Store } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { buildApi } from './build-api.js';

const engines = await contractEngines();

describe.each(engines)('the HTTP API on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  const keys = { viewer: '', responder: '', admin: '' };
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');

  beforeAll(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
    for (const role of ['viewer', 'responder', 'admin'] as const) {
      keys[role] = (
        await createApiKey({ store, clock, actor: 'test' }, { name: `${role}-key`, role })
      ).secret;
    }
    app = buildApi({
      store,
      clock,
      services: catalogOf([testPolicy]),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      version: 'test',
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await target.drop();
  });

  const call = (method: string, path: string, options: { key?: string; body?: unknown; raw?: string } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.body !== undefined || options.raw !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
      },
      ...(options.raw !== undefined
        ? { body: options.raw }
        : options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : {}),
    });

  const writes = async () => ({
    incidents: (await store.incidents.list({ limit: 1000 })).length,
    audit: (await store.audit.list({ limit: 1000 })).length,
  });

  it('refuses unauthenticated (401), under-privileged (403) and malformed (400) mutations, writing nothing', async () => {
    const before = await writes();
    const body = { service: 'guest-api', title: 'Gallery down', severity: 'SEV-1' };

    const anonymous = await call('POST', '/v1/incidents', { body });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'RAMPART_UNAUTHENTICATED' } });

    const forged = await call('POST', '/v1/incidents', { body, key: 'rk_not-a-real-key' });
    expect(forged.status).toBe(401);

    const viewer = await call('POST', '/v1/incidents', { body, key: keys.viewer });
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ error: { code: 'RAMPART_FORBIDDEN' } });

    const malformed = await call('POST', '/v1/incidents', {
      body: { service: 'guest-api', title: 42 },
      key: keys.responder,
    });
    expect(malformed.status).toBe(400);
    const problem = (await malformed.json()) as {
      error: { code: string; message: string; details: { path: string }[] };
    };
    expect(problem.error.code).toBe('RAMPART_VALIDATION');
    expect(problem.error.details.map((d) => d.path)).toContain('body.title');

    const unknownField = await call('POST', '/v1/incidents', {
      body: { ...body, sevrity: 'x' },
      key: keys.responder,
    });
    expect(unknownField.status).toBe(400);

    const brokenJson = await call('POST', '/v1/incidents', { raw: '{"service": ', key: keys.responder });
    expect(brokenJson.status).toBe(400);
    expect(await brokenJson.json()).toMatchObject({ error: { code: 'RAMPART_VALIDATION' } });

    const unknownSeverity = await call('POST', '/v1/incidents', {
      body: { ...body, severity: 'P0' },
      key: keys.responder,
    });
    expect(unknownSeverity.status).toBe(422);
    expect(await unknownSeverity.json()).toMatchObject({
      error: { code: 'RAMPART_UNKNOWN_SEVERITY', details: [{ path: 'severity' }] },
    });

    const viewerKeyCreation = await call('POST', '/v1/keys', {
      body: { name: 'x', role: 'admin' },
      key: keys.responder,
    });
    expect(viewerKeyCreation.status).toBe(403);

    expect(await writes()).toEqual(before);
  });

  it('walks an incident through the API and audits each call under the key that made it', async () => {
    const created = await call('POST', '/v1/incidents', {
      key: keys.responder,
      body: { service: 'guest-api', title: 'Token brute force', severity: 'SEV-2' },
    });
    expect(created.status).toBe(201);
    const incident = (await created.json()) as { id: string };

    expect(
      (await call('POST', `/v1/incidents/${incident.id}/ack`, { key: keys.responder, body: {} })).status,
    ).toBe(200);
    expect(
      (
        await call('POST', `/v1/incidents/${incident.id}/notes`, {
          key: keys.responder,
          body: { text: 'looking' },
        })
      ).status,
    ).toBe(201);
    const noReason = await call('POST', `/v1/incidents/${incident.id}/severity`, {
      key: keys.responder,
      body: { severity: 'SEV-1' },
    });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { message: string } }).error.message).toContain(
      'body.reason',
    );
    const early = await call('POST', `/v1/incidents/${incident.id}/close`, { key: keys.responder, body: {} });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: { code: 'RAMPART_INVALID_TRANSITION' } });
    expect((await call('POST', `/v1/incidents/${incident.id}/resolve`, { key: keys.responder })).status).toBe(
      200,
    );

    const shown = await call('GET', `/v1/incidents/${incident.id}`, { key: keys.viewer });
    const view = (await shown.json()) as {
      incident: { status: string };
      timeline: { kind: string; actor: string }[];
      postmortem: { dueAt: string };
    };
    expect(view.incident.status).toBe('resolved');
    expect(view.timeline.map((e) => e.kind)).toEqual(['created', 'status', 'note', 'status', 'postmortem']);
    expect(new Set(view.timeline.map((e) => e.actor))).toEqual(new Set(['api:responder-key']));
    expect(view.postmortem.dueAt).toBe('2026-03-04T09:00:00.000Z');

    const audit = await call('GET', `/v1/audit?target=${incident.id}`, { key: keys.admin });
    const rows = ((await audit.json()) as { audit: { action: string; actor: string }[] }).audit;
    expect(rows.map((r) => r.action).reverse()).toEqual([
      'incident.open',
      'incident.acknowledge',
      'incident.note',
      'incident.resolve',
      'postmortem.open',
    ]);
    expect((await call('GET', '/v1/audit', { key: keys.responder })).status).toBe(403);
    expect((await call('GET', '/v1/incidents/INC-999999', { key: keys.viewer })).status).toBe(404);
  });

  it('creates keys for admins only, shows the secret once, and a revoked key stops working', async () => {
    const created = await call('POST', '/v1/keys', {
      key: keys.admin,
      body: { name: 'ci-bot', role: 'responder' },
    });
    expect(created.status).toBe(201);
    const { key, secret } = (await created.json()) as { key: { id: string; hash?: string }; secret: string };
    expect(secret).toMatch(/^rk_/);
    expect(key.hash).toBeUndefined();
    const listed = JSON.stringify(await (await call('GET', '/v1/keys', { key: keys.admin })).json());
    expect(listed).not.toContain(secret);
    expect((await call('GET', '/v1/incidents', { key: secret })).status).toBe(200);
    expect((await call('DELETE', `/v1/keys/${key.id}`, { key: keys.admin })).status).toBe(200);
    expect((await call('GET', '/v1/incidents', { key: secret })).status).toBe(401);
  });

  it('serves health, metrics and an OpenAPI document that lists every route', async () => {
    expect(await (await call('GET', '/healthz')).json()).toMatchObject({ status: 'ok', store: engine.name });
    const metrics = await (await call('GET', '/metrics')).text();
    expect(metrics).toContain('rampart_api_requests_total');
    const doc = (await (await call('GET', '/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/incidents', '/v1/incidents/{id}/severity', '/v1/keys', '/healthz']),
    );
    expect(doc.paths['/v1/incidents']?.post?.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/v1/incidents/{id}/severity']?.post?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['severity', 'reason'] } } },
    });
  });
});
