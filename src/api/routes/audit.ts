import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';

export function auditRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/v1/audit',
      role: 'admin',
      tag: 'audit',
      summary: 'The audit log of every mutating call, newest first',
      query: z
        .object({
          actor: z.string().max(200).optional(),
          target: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        })
        .strict(),
      handler: async ({ query }) => ({
        audit: await deps.store.audit.list({
          limit: query.limit ?? 100,
          ...(query.actor ? { actor: query.actor } : {}),
          ...(query.target ? { target: query.target } : {}),
        }),
      }),
    }),
  ];
}
