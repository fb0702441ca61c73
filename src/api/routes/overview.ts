import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';
import { readOverview } from '../views/overview.js';

export function overviewRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/v1/overview',
      role: 'viewer',
      tag: 'overview',
      summary:
        'The console overview: counts, a page of open incidents (most severe first) with time box and next update, ' +
        'overdue steps and updates, mitigations in force, monitors, recent and shadow signals',
      query: z
        .object({
          limit: z.coerce.number().int().min(1).max(200).optional(),
          offset: z.coerce.number().int().min(0).max(100_000).optional(),
        })
        .strict(),
      handler: ({ query }) => readOverview(deps, { limit: query.limit ?? 50, offset: query.offset ?? 0 }),
    }),
  ];
}
