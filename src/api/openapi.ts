import { z } from 'zod';
import { ERROR_CATALOG } from '../shared/errors.js';
import type { AnyRoute } from './define-route.js';

function toOpenApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parameters(spec: AnyRoute): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema);
    const props = (json.properties ?? {}) as Record<string, unknown>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop });
    }
  }
  return out;
}

/** Builds the OpenAPI 3.1 document from the same route specs that validate requests. */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const path = toOpenApiPath(spec.url);
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      responses: {
        [String(spec.status ?? 200)]: { description: 'Success', content: { 'application/json': {} } },
        ...(spec.body ? { 400: { $ref: '#/components/responses/Error' } } : {}),
        ...(spec.role
          ? { 401: { $ref: '#/components/responses/Error' }, 403: { $ref: '#/components/responses/Error' } }
          : {}),
      },
    };
    if (spec.role) {
      operation.security = [{ apiKey: [] }];
      operation['x-rampart-role'] = spec.role;
    }
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(spec.body) } },
      };
    }
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rampart API',
      version,
      description:
        'Incidents, timelines, checklists, signals and API keys. Authenticate with `Authorization: Bearer rk_…`; ' +
        'roles are viewer < responder < admin. Every mutating call is written to the audit log.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A Rampart API key (rk_…)' },
      },
      responses: {
        Error: {
          description: 'An error from the catalog',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: {
                      code: { type: 'string', enum: Object.keys(ERROR_CATALOG) },
                      message: { type: 'string' },
                      details: { type: 'array', items: { type: 'object' } },
                    },
                    required: ['code', 'message'],
                  },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
