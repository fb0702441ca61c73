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
      summary: 'Liveness, store reachability, log sources and the notification outbox',
      handler: async ({ reply }) => {
        const base = { store: deps.store.engine, version: deps.version };
        try {
          await deps.store.ping();
        } catch {
          reply.code(503);
          return { status: 'degraded', ...base, reasons: [{ code: 'store-unreachable', message: `the ${deps.store.engine} store does not answer` }] };
        }
        // Still 200: the process serves and a restart would not bring back a missing file or a dead receiver, so
        // a liveness probe must not loop on it; the status and reasons are for people and alerting.
        const reasons = (await deps.healthReasons?.()) ?? [];
        return { status: reasons.length === 0 ? 'ok' : 'degraded', ...base, reasons };
      },
    }),
    route({
      method: 'GET',
      url: '/metrics',
      role: null,
      tag,
      summary: 'Prometheus metrics',
      handler: async ({ reply }) => {
        await deps.refreshMetrics?.();
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
