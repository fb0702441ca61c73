import { z } from 'zod';
import { tokenKindSchema } from './gateway.js';
import { durationSchema, httpUrlSchema, idSchema, textSchema } from './primitives.js';

/**
 * A route template: literal segments, `{param}` segments (one path segment each) and an optional trailing `*`
 * for "anything below". The gateway and the detector both match requests against these.
 */
export const ROUTE_PATTERN = /^\/(?:(?:[A-Za-z0-9._~!$&'()+,;=:@%-]+|\{[a-z_][a-z0-9_]*\})(?:\/(?:[A-Za-z0-9._~!$&'()+,;=:@%-]+|\{[a-z_][a-z0-9_]*\}))*)?(?:\/\*)?\/?$/;

export const routeSchema = z.strictObject({
  name: idSchema,
  pattern: z
    .string()
    .regex(ROUTE_PATTERN, { message: 'a route pattern such as /health or /api/v1/events/{token}/*' }),
  methods: z.array(z.string().regex(/^[A-Z]+$/, { message: 'an HTTP method in capitals' })).min(1).optional(),
  description: z.string().optional(),
  /** The seed's "critical endpoints to monitor": watched more closely in explain and dashboards. */
  critical: z.boolean().optional(),
});

export const upstreamSchema = z.strictObject({
  url: httpUrlSchema,
  timeout: durationSchema.prefault('30s'),
});

export const referenceSchema = z.strictObject({
  name: textSchema,
  location: textSchema,
  description: z.string().optional(),
});

export const serviceSchema = z.strictObject({
  name: idSchema.meta({ description: 'Service id, used as --service on the CLI.' }),
  title: textSchema,
  description: z.string().optional(),
  owner: z.string().optional(),
  upstream: upstreamSchema,
  routes: z.array(routeSchema).min(1, { message: 'at least one route' }),
  /**
   * Where the service's tokens sit (a path segment, a query parameter, a header, a JWT): said once, read by the
   * gateway (to hash, limit and revoke them) and by the log parsers (to find them in logged paths and queries),
   * with or without a gateway section.
   */
  tokens: z.array(tokenKindSchema).default([]),
  sensitive_data: z.array(textSchema).optional(),
  references: z.array(referenceSchema).optional(),
});

/** Names of the `{param}` segments of a route pattern, in order. */
export function routeParams(pattern: string): string[] {
  return [...pattern.matchAll(/\{([a-z_][a-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
}
