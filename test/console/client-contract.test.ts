import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/build-api.js';
import { catalogOf } from '../../src/desk/index.js';
import { testPolicy } from '../../src/desk/testing/test-policy.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ENDPOINTS, type EndpointSpec } from '../../web/src/api/endpoints.js';

interface Operation {
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: {
    content: {
      'application/json': { schema: { properties?: Record<string, unknown>; required?: string[] } };
    };
  };
  'x-rampart-role'?: string;
}

/**
 * The console's one typed client is its endpoint table; this holds it to /openapi.json, which the API builds from
 * the same zod schemas that validate requests. A renamed route, a changed role (the console hides controls by
 * it), a body field the API no longer takes or a new required one: each fails here before a user meets it.
 */
describe('the console client against /openapi.json', () => {
  let dir: string;
  let store: Store;
  let doc: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-contract-'));
    store = await openStore(`sqlite:${join(dir, 'r.db')}`, { cwd: dir });
    const app = buildApi({
      store,
      clock: systemClock,
      services: catalogOf([testPolicy]),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      version: 'test',
    });
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    await app.close();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = Object.entries(ENDPOINTS) as [string, EndpointSpec][];

  it.each(entries)('%s: the route exists with the same method, path parameters and role', (_name, spec) => {
    const operation = doc.paths[spec.path]?.[spec.method.toLowerCase()];
    expect(operation, `${spec.method} ${spec.path} is not in /openapi.json`).toBeDefined();
    const pathParams = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(operation?.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
    expect(operation?.['x-rampart-role'] ?? null).toBe(spec.role);
  });

  it.each(entries)(
    '%s: the body and query fields the console sends are the ones the API takes',
    (_name, spec) => {
      const operation = doc.paths[spec.path]?.[spec.method.toLowerCase()];
      const schema = operation?.requestBody?.content['application/json'].schema;
      if (spec.body === undefined) {
        expect(schema?.required ?? [], 'the API requires a body the console does not send').toEqual([]);
      } else {
        const properties = Object.keys(schema?.properties ?? {});
        expect(properties.sort()).toEqual([...spec.body.fields].sort());
        for (const field of schema?.required ?? []) expect(spec.body.required).toContain(field);
      }
      const query = (operation?.parameters ?? []).filter((p) => p.in === 'query');
      expect(query.map((p) => p.name).sort()).toEqual([...(spec.query ?? [])].sort());
    },
  );
});
