import { z } from 'zod';
import { RampartError } from '../../shared/errors.js';
import type { TrafficView } from '../../traffic/index.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';

const name = z.string().min(1).max(200);

function view(deps: ApiDeps): TrafficView {
  if (!deps.traffic) {
    throw new RampartError(
      'RAMPART_NOT_FOUND',
      'this process sees no request events (no gateway or detector here)',
    );
  }
  return deps.traffic;
}

/**
 * Traffic and token analytics from the request events this process's detection loop sees: a bounded series of
 * one-minute buckets, top talkers from the detector's recent-events ring, and per-token counters.
 */
export function trafficRoutes(deps: ApiDeps): AnyRoute[] {
  const tag = 'traffic';
  return [
    route({
      method: 'GET',
      url: '/v1/traffic',
      role: 'viewer',
      tag,
      summary:
        'Requests, 4xx, 5xx, 429, denials and p95 latency per minute, for a service and route if named',
      query: z
        .object({
          service: name.optional(),
          route: name.optional(),
          from: z.iso.datetime().optional(),
          to: z.iso.datetime().optional(),
        })
        .strict(),
      handler: ({ query }) => {
        const traffic = view(deps);
        return Promise.resolve({
          bucketMs: traffic.bucketMs,
          spanMs: traffic.spanMs,
          points: traffic.series({
            ...(query.service ? { service: query.service } : {}),
            ...(query.route ? { route: query.route } : {}),
            ...(query.from ? { from: Date.parse(query.from) } : {}),
            ...(query.to ? { to: Date.parse(query.to) } : {}),
          }),
          routes: traffic.routes(),
        });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/traffic/top',
      role: 'viewer',
      tag,
      summary:
        "Top client addresses and prefixes over a recent window (at most the detector's evidence window)",
      query: z
        .object({
          service: name.optional(),
          windowMs: z.coerce
            .number()
            .int()
            .min(1_000)
            .max(24 * 3_600_000)
            .optional(),
          limit: z.coerce.number().int().min(1).max(100).optional(),
        })
        .strict(),
      handler: ({ query }) =>
        Promise.resolve(
          view(deps).top({
            ...(query.service ? { service: query.service } : {}),
            windowMs: query.windowMs ?? 15 * 60_000,
            limit: query.limit ?? 10,
          }),
        ),
    }),
    route({
      method: 'GET',
      url: '/v1/tokens',
      role: 'viewer',
      tag,
      summary:
        'Token analytics by preview: requests, distinct addresses and prefixes, denials, first and last seen',
      query: z
        .object({
          service: name.optional(),
          sort: z.enum(['requests', 'addresses', 'denied', 'lastSeen']).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        })
        .strict(),
      handler: ({ query }) =>
        Promise.resolve({
          tokens: view(deps).tokens({
            ...(query.service ? { service: query.service } : {}),
            ...(query.sort ? { sort: query.sort } : {}),
            limit: query.limit ?? 50,
          }),
        }),
    }),
  ];
}
