import { z } from 'zod';
import { approveMessage } from '../../notify/index.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';
import { rowId } from '../../shared/input-bounds.js';

const STATUSES = ['held', 'pending', 'sending', 'delivered', 'failed'] as const;

export function notificationRoutes(deps: ApiDeps): AnyRoute[] {
  const tag = 'notifications';
  return [
    route({
      method: 'GET',
      url: '/v1/notifications',
      role: 'viewer',
      tag,
      summary: 'The outbox: every message, recorded before it is sent, with its delivery state',
      query: z
        .object({
          incident: z.string().max(40).optional(),
          status: z.enum(STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(1000).optional(),
        })
        .strict(),
      handler: async ({ query }) => ({
        notifications: await deps.store.outbox.list({
          limit: query.limit ?? 100,
          ...(query.incident ? { incidentId: query.incident } : {}),
          ...(query.status ? { status: [query.status] } : {}),
        }),
      }),
    }),
    route({
      method: 'POST',
      url: '/v1/notifications/:id/approve',
      role: 'responder',
      tag,
      summary:
        'Release a message held for approval (e.g. a tenant e-mail); the approver goes on the timeline',
      params: z.object({ id: rowId() }).strict(),
      handler: ({ params, actor }) =>
        approveMessage({ store: deps.store, clock: deps.clock, id: params.id, actor }),
    }),
  ];
}
