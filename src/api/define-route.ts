import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import type { ApiKey, Role } from '../domain/api-key.js';
import { RampartError } from '../shared/errors.js';
import { findUnstorableText } from '../shared/storable-text.js';
import type { Caller } from './authenticate-request.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  key: ApiKey | null;
  actor: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** One API route: its schemas validate the request and document it in /openapi.json from the same source. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  url: string;
  /** The least role that may call it; null for public routes (health, metrics, the OpenAPI document). */
  role: Role | null;
  summary: string;
  tag: string;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /**
   * For public routes that authenticate otherwise (an inbound alert's shared secret): runs in onRequest, before
   * the body is parsed, and throws to refuse.
   */
  guard?: (request: FastifyRequest) => void;
  /** HTTP status of a successful answer (default 200). */
  status?: number;
  handler(input: RouteInput<P, Q, B>): Promise<unknown>;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: ApiKey | null;
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    role?: Role | null;
    guard?: ((request: FastifyRequest) => void) | undefined;
  }
}

export type AnyRoute = RouteSpec<unknown, unknown, unknown>;

/** Type-checks a handler against its own schemas, then erases the types so routes can share one list. */
export function route<P, Q, B>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec;
}

/** Every text of every route, schema or not, before anything reads it: what cannot be stored is refused. */
function refuseUnstorable(value: unknown, where: string): void {
  const found = findUnstorableText(value, where);
  if (found)
    throw new RampartError('RAMPART_VALIDATION', `${found.path}: ${found.message}`, [
      { path: found.path, message: found.message },
    ]);
}

function validate<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  refuseUnstorable(value, where);
  if (!schema) return value as T;
  const parsed = schema.safeParse(value ?? (where === 'body' ? {} : value));
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = details[0];
  throw new RampartError(
    'RAMPART_VALIDATION',
    first ? `${first.path}: ${first.message}` : `invalid ${where}`,
    details,
  );
}

export function registerRoute(app: FastifyInstance, spec: AnyRoute): void {
  app.route({
    method: spec.method,
    url: spec.url,
    config: { role: spec.role, guard: spec.guard },
    handler: async (request, reply) => {
      const params = validate(spec.params, request.params, 'params');
      const query = validate(spec.query, request.query, 'query');
      const body = validate(spec.body, request.body, 'body');
      const key = request.apiKey;
      const result = await spec.handler({
        params,
        query,
        body,
        key,
        actor: request.caller?.actor ?? (key ? `api:${key.name}` : 'anonymous'),
        request,
        reply,
      });
      if (reply.sent) return reply;
      return reply.code(spec.status ?? 200).send(result);
    },
  });
}

export const idParams = z.object({ id: z.string().min(1).max(40) }).strict();
