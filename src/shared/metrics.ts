import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per running app (not prom-client's global), so tests and several apps never collide. Names follow
 * the Prometheus exporter conventions: `rampart_` prefix, `_total` counters, `_seconds` and base units. Labels are
 * bounded: route templates (never paths), services, rules and limits from the playbook, decisions from a fixed
 * list, and mitigation ids only while the mitigation is in force (src/app/metrics/mitigation-refusals.ts).
 */
export interface Metrics {
  registry: Registry;
  apiRequests: Counter<'method' | 'route' | 'status'>;
  apiDuration: Histogram<'method' | 'route'>;
  incidentsOpened: Counter<'service' | 'severity'>;
  timelineEntries: Counter<'kind'>;
  gatewayRequests: Counter<'service' | 'route' | 'decision' | 'status_class'>;
  upstreamDuration: Histogram<'service' | 'route'>;
  /** Refusals by what refused: a mitigation kind (block, revoke-token, …) or a playbook guard (rate-limit, …). */
  gatewayRejections: Counter<'service' | 'reason'>;
  shadowLimited: Counter<'service' | 'limit'>;
  limiterKeys: Gauge<'service' | 'limit'>;
  mitigationRefused: Counter<'service' | 'kind' | 'mitigation'>;
  logLinesRead: Counter<'service' | 'source'>;
  logLinesRefused: Counter<'service' | 'source'>;
  logLastLineAge: Gauge<'service' | 'source'>;
  logSourceUp: Gauge<'service' | 'source'>;
  detectorLag: Gauge<'service'>;
  detectorQueue: Gauge;
  signals: Counter<'service' | 'rule' | 'kind'>;
  outboxPending: Gauge;
  outboxFailed: Gauge;
  outboxOldestAge: Gauge;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'rampart_' });
  const registers = [registry];
  return {
    registry,
    apiRequests: new Counter({
      name: 'rampart_api_requests_total',
      help: 'HTTP API requests by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    apiDuration: new Histogram({
      name: 'rampart_api_request_duration_seconds',
      help: 'HTTP API request duration',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    incidentsOpened: new Counter({
      name: 'rampart_incidents_opened_total',
      help: 'Incidents opened, by service and severity',
      labelNames: ['service', 'severity'] as const,
      registers,
    }),
    timelineEntries: new Counter({
      name: 'rampart_timeline_entries_total',
      help: 'Timeline entries written through the desk, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    gatewayRequests: new Counter({
      name: 'rampart_gateway_requests_total',
      help: 'Requests through the gateway by service, route template, decision and status class (2xx…5xx)',
      labelNames: ['service', 'route', 'decision', 'status_class'] as const,
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'rampart_gateway_upstream_duration_seconds',
      help: "Time from handing a request to the upstream to the upstream's response head",
      labelNames: ['service', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    gatewayRejections: new Counter({
      name: 'rampart_gateway_rejections_total',
      help: 'Requests the gateway refused, by what refused them (a mitigation kind or a guard)',
      labelNames: ['service', 'reason'] as const,
      registers,
    }),
    shadowLimited: new Counter({
      name: 'rampart_gateway_shadow_limited_total',
      help: 'Requests a shadow rate limit would have refused (they were let through)',
      labelNames: ['service', 'limit'] as const,
      registers,
    }),
    limiterKeys: new Gauge({
      name: 'rampart_gateway_limiter_keys',
      help: 'Keys (addresses, tokens, …) a rate limit currently remembers in this process',
      labelNames: ['service', 'limit'] as const,
      registers,
    }),
    mitigationRefused: new Counter({
      name: 'rampart_mitigation_refused_requests_total',
      help: 'Requests refused by each mitigation in force, since this process started (the total since the mitigation began is in the API)',
      labelNames: ['service', 'kind', 'mitigation'] as const,
      registers,
    }),
    logLinesRead: new Counter({
      name: 'rampart_log_lines_read_total',
      help: 'Lines read from a tailed log source',
      labelNames: ['service', 'source'] as const,
      registers,
    }),
    logLinesRefused: new Counter({
      name: 'rampart_log_lines_refused_total',
      help: "Lines of a log source the parser refused (not the source's format, or over-long)",
      labelNames: ['service', 'source'] as const,
      registers,
    }),
    logLastLineAge: new Gauge({
      name: 'rampart_log_last_line_age_seconds',
      help: 'Seconds since a log source last gave a line (since start-up when it has given none)',
      labelNames: ['service', 'source'] as const,
      registers,
    }),
    logSourceUp: new Gauge({
      name: 'rampart_log_source_up',
      help: '1 when the log file exists and is being read, 0 when it is missing',
      labelNames: ['service', 'source'] as const,
      registers,
    }),
    detectorLag: new Gauge({
      name: 'rampart_detector_lag_seconds',
      help: "How far the detector is behind: now minus the time of the newest event it took in",
      labelNames: ['service'] as const,
      registers,
    }),
    detectorQueue: new Gauge({
      name: 'rampart_detector_queued_signals',
      help: 'Signals waiting for the desk',
      registers,
    }),
    signals: new Counter({
      name: 'rampart_detector_signals_total',
      help: 'Signals the detector raised, by service, rule and kind (fired, updated)',
      labelNames: ['service', 'rule', 'kind'] as const,
      registers,
    }),
    outboxPending: new Gauge({
      name: 'rampart_outbox_pending_messages',
      help: 'Notifications waiting to be sent (pending or being sent)',
      registers,
    }),
    outboxFailed: new Gauge({
      name: 'rampart_outbox_failed_messages',
      help: 'Notifications given up on after their retries',
      registers,
    }),
    outboxOldestAge: new Gauge({
      name: 'rampart_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest notification still waiting; 0 when none waits',
      registers,
    }),
  };
}
