import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per running app (not prom-client's global), so tests and several apps never collide. */
export interface Metrics {
  registry: Registry;
  apiRequests: Counter<'method' | 'route' | 'status'>;
  apiDuration: Histogram<'method' | 'route'>;
  incidentsOpened: Counter<'service' | 'severity'>;
  timelineEntries: Counter<'kind'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'rampart_' });
  return {
    registry,
    apiRequests: new Counter({
      name: 'rampart_api_requests_total',
      help: 'HTTP API requests by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    apiDuration: new Histogram({
      name: 'rampart_api_request_duration_seconds',
      help: 'HTTP API request duration',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    incidentsOpened: new Counter({
      name: 'rampart_incidents_opened_total',
      help: 'Incidents opened, by service and severity',
      labelNames: ['service', 'severity'] as const,
      registers: [registry],
    }),
    timelineEntries: new Counter({
      name: 'rampart_timeline_entries_total',
      help: 'Timeline entries written through the desk, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}
