import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';

export function systemRoutes(deps: ApiDeps, openapi: () => Record<string, unknown>): AnyRoute[] {
  const tag = 'system';
  return [
    route({
      method: 'GET',
      url: '/healthz',
      role: null,
      tag,
      summary: 'Liveness and store reachability',
      handler: async ({ reply }) => {
        try {
          await deps.store.ping();
          return { status: 'ok', store: deps.store.engine, version: deps.version };
        } catch {
          reply.code(503);
          return { status: 'degraded', store: deps.store.engine, version: deps.version };
        }
      },
    }),
    route({
      method: 'GET',
      url: '/metrics',
      role: null,
      tag,
      summary: 'Prometheus metrics',
      handler: async ({ reply }) => {
        const text = await deps.metrics.registry.metrics();
        reply.header('content-type', deps.metrics.registry.contentType);
        return reply.send(text);
      },
    }),
    route({
      method: 'GET',
      url: '/openapi.json',
      role: null,
      tag,
      summary: 'This document',
      handler: () => Promise.resolve(openapi()),
    }),
  ];
}
