import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../shared/errors.js';
import { openStore, type Store } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { startConsoleApi, type ConsoleApi } from './testing/console-api.js';

const engines = await contractEngines();

/** Public routes that change something, each authenticated otherwise (a shared secret, the key itself). */
const PUBLIC_MUTATIONS = new Set([
  'POST /v1/inbound/{service}/alertmanager',
  'POST /v1/inbound/{service}/alerts',
  'POST /v2/enqueue',
  'POST /v1/session',
]);
/** Mutations a viewer may make: ending one's own console session. */
const VIEWER_MUTATIONS = new Set(['DELETE /v1/session']);

type ApiAnswer = {
  error?: { code: string; message: string; details?: { path?: string }[] };
} & Record<string, unknown>;

interface OpenApiOperation {
  'x-rampart-role'?: string;
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}
interface JsonSchema {
  type?: string | string[];
  maximum?: number;
  exclusiveMaximum?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

/** Every number and integer in a schema, with its path, so a test can ask that each has a finite bound. */
function numbersIn(schema: JsonSchema, path: string, out: { path: string; schema: JsonSchema }[]): void {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.includes('number') || types.includes('integer')) out.push({ path, schema });
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    numbersIn(child, `${path}.${name}`, out);
  if (schema.items) numbersIn(schema.items, `${path}[]`, out);
  if (typeof schema.additionalProperties === 'object')
    numbersIn(schema.additionalProperties, `${path}.*`, out);
  for (const child of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    numbersIn(child, path, out);
}

/** A raw request, so the test can send what fetch would refuse or normalise (bad percent-encoding). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(engines)('the API at its edges, on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  let api: ConsoleApi;

  beforeAll(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
    api = await startConsoleApi(store, { tokenKey: 'k'.repeat(32) });
  });
  afterAll(async () => {
    await api.close();
    await store.close();
    await target.drop();
  });

  const call = async (
    key: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: ApiAnswer }> => {
    const res = await fetch(`${api.base}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as ApiAnswer) : { text } };
  };
  const openapi = async () =>
    (await call(undefined, 'GET', '/openapi.json')).body as unknown as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };

  it('refuses every mutating route of the OpenAPI document without a key (401) and to a viewer key (403)', async () => {
    const doc = await openapi();
    const checked: string[] = [];
    const publicOnes: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method === 'get') continue;
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation['x-rampart-role']) {
          publicOnes.push(name);
          continue;
        }
        const concrete = path.replace(/\{(\w+)\}/g, (_m, p: string) =>
          p === 'service' ? 'guest-api' : `x-${p}`,
        );
        const body = method === 'delete' ? undefined : {};
        const anonymous = await call(undefined, method.toUpperCase(), concrete, body);
        expect(anonymous.status, `${name} without a key`).toBe(401);
        expect(anonymous.body.error?.code, name).toBe('RAMPART_UNAUTHENTICATED');
        if (VIEWER_MUTATIONS.has(name)) {
          expect(operation['x-rampart-role'], name).toBe('viewer');
        } else {
          const viewer = await call(api.keys.viewer, method.toUpperCase(), concrete, body);
          expect(viewer.status, `${name} with a viewer key`).toBe(403);
          expect(viewer.body.error?.code, name).toBe('RAMPART_FORBIDDEN');
        }
        checked.push(name);
      }
    }
    expect(checked.length).toBeGreaterThan(15);
    // A new public route that changes something must be added here on purpose, with its own authentication.
    expect(new Set(publicOnes)).toEqual(PUBLIC_MUTATIONS);
  });

  it('documents a finite bound for every number the API accepts', async () => {
    const doc = await openapi();
    const unbounded: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const numbers: { path: string; schema: JsonSchema }[] = [];
        for (const p of operation.parameters ?? []) numbersIn(p.schema, `${p.in}.${p.name}`, numbers);
        const body = operation.requestBody?.content['application/json'].schema;
        if (body) numbersIn(body, 'body', numbers);
        for (const n of numbers) {
          const max = n.schema.maximum ?? n.schema.exclusiveMaximum;
          const min = n.schema.minimum ?? n.schema.exclusiveMinimum;
          // zod writes ±MAX_SAFE_INTEGER for a bare .int(): that is no bound a database column can hold.
          if (
            max === undefined ||
            max >= Number.MAX_SAFE_INTEGER ||
            min === undefined ||
            min <= -Number.MAX_SAFE_INTEGER
          )
            unbounded.push(`${method.toUpperCase()} ${path} ${n.path}`);
        }
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('refuses an out-of-range duration with 400 naming the field and its limit, and stores nothing', async () => {
    const before = (await store.mitigations.list({ limit: 1000 })).length;
    const revoke = await call(api.keys.responder, 'POST', '/v1/mitigations/revoke-token', {
      service: 'guest-api',
      token: 'tok_0123456789abcdef',
      reason: 'leaked',
      forMs: 9e15,
    });
    expect(revoke.status).toBe(400);
    expect(revoke.body.error?.code).toBe('RAMPART_VALIDATION');
    expect(revoke.body.error?.message).toMatch(/body\.forMs/);
    expect(revoke.body.error?.message).toMatch(/31622400000/);
    const block = await call(api.keys.responder, 'POST', '/v1/mitigations', {
      service: 'guest-api',
      kind: 'block',
      target: '203.0.113.9',
      reason: 'abuse',
      data: { limit: 9e300 },
    });
    expect(block.status).toBe(400);
    expect(block.body.error?.message).toMatch(/body\.data\.limit/);
    expect((await store.mitigations.list({ limit: 1000 })).length).toBe(before);
  });

  it('refuses a NUL or other unstorable control character in any text with 400 naming the field', async () => {
    const before = (await store.incidents.list({ limit: 1000 })).length;
    const title = await call(api.keys.responder, 'POST', '/v1/incidents', {
      service: 'guest-api',
      title: 'Gallery\u0000 down',
      severity: 'SEV-1',
    });
    expect(title.status).toBe(400);
    expect(title.body.error).toMatchObject({ code: 'RAMPART_VALIDATION', details: [{ path: 'body.title' }] });
    expect((await store.incidents.list({ limit: 1000 })).length).toBe(before);

    const opened = await call(api.keys.responder, 'POST', '/v1/incidents', {
      service: 'guest-api',
      title: 'Gallery down\tagain', // a tab is ordinary text
      severity: 'SEV-1',
    });
    expect(opened.status).toBe(201);
    const id = String(opened.body.id);
    for (const text of ['before\u0000after', 'bell\u0007', 'lone \ud800 surrogate']) {
      const note = await call(api.keys.responder, 'POST', `/v1/incidents/${id}/notes`, { text });
      expect(note.status, JSON.stringify(text)).toBe(400);
      expect(note.body.error?.details?.[0]?.path).toBe('body.text');
    }
    const multiline = await call(api.keys.responder, 'POST', `/v1/incidents/${id}/notes`, {
      text: 'line one\r\nline two',
    });
    expect(multiline.status).toBe(201);
    const query = await call(api.keys.viewer, 'GET', '/v1/incidents?service=guest%00api');
    expect(query.status).toBe(400);
    expect(query.body.error?.details?.[0]?.path).toBe('query.service');
    const timeline = await store.timeline.list(id, { limit: 100 });
    expect(timeline.some((e) => e.summary.includes('before'))).toBe(false);
  });

  it("answers fastify's own errors in the catalog's shape, with the catalog's status for the code", async () => {
    const auth = { authorization: `Bearer ${api.keys.responder}` };
    const cases = [
      { name: 'malformed URL', status: 400, res: await raw(api.base, 'GET', '/v1/incidents/%E0%A4%A', auth) },
      {
        name: 'over-long parameter',
        status: 414,
        res: await raw(api.base, 'GET', `/v1/incidents/${'a'.repeat(300)}`, auth),
      },
      {
        name: 'body too large',
        status: 413,
        res: await raw(
          api.base,
          'POST',
          '/v1/incidents',
          { ...auth, 'content-type': 'application/json' },
          `{"title":"${'a'.repeat(1_100_000)}"}`,
        ),
      },
      {
        name: 'wrong content type',
        status: 415,
        res: await raw(api.base, 'POST', '/v1/incidents', { ...auth, 'content-type': 'text/xml' }, '<a/>'),
      },
      {
        name: 'bad JSON',
        status: 400,
        res: await raw(
          api.base,
          'POST',
          '/v1/incidents',
          { ...auth, 'content-type': 'application/json' },
          '{"a":',
        ),
      },
      { name: 'unknown route', status: 404, res: await raw(api.base, 'GET', '/v1/nothing-here', auth) },
      { name: 'unknown method', status: 404, res: await raw(api.base, 'PATCH', '/v1/incidents', auth) },
    ];
    // What node:http itself refuses, before fastify routes anything.
    const onTheWire = (text: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(api.base);
        const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
        let answer = '';
        socket.on('data', (d: Buffer) => (answer += d.toString()));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head = '', body = ''] = answer.split('\r\n\r\n');
          resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), body });
        });
      });
    cases.push(
      { name: 'not HTTP', status: 400, res: await onTheWire('HELLO THERE\r\n\r\n') },
      {
        name: 'headers too large',
        status: 431,
        res: await onTheWire(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`),
      },
    );
    for (const c of cases) {
      expect(c.res.status, c.name).toBe(c.status);
      const body = JSON.parse(c.res.body) as { error: { code: keyof typeof ERROR_CATALOG; message: string } };
      expect(Object.keys(body), c.name).toEqual(['error']);
      expect(ERROR_CATALOG[body.error.code]?.status, `${c.name}: ${body.error.code}`).toBe(c.status);
      expect(typeof body.error.message, c.name).toBe('string');
      expect(body.error.message.length, c.name).toBeLessThan(300);
    }
  });
});
