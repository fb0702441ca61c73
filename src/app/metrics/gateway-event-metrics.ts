import type { RequestEvent } from '../../domain/request-event.js';
import type { Metrics } from '../../shared/metrics.js';
import type { MitigationRefusals } from './mitigation-refusals.js';

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * The gateway's per-request figures, from the one event each request emits: requests by route template (never
 * the path), decision and status class; upstream latency; refusals by what refused them; shadow limits.
 */
export function gatewayEventMetrics(metrics: Metrics, refusals: MitigationRefusals): (event: RequestEvent) => void {
  return (event) => {
    const route = event.route ?? 'unmatched';
    const statusClass = STATUS_CLASSES[Math.floor(event.status / 100)] ?? 'other';
    metrics.gatewayRequests.inc({ service: event.service, route, decision: event.decision, status_class: statusClass });
    const upstreamMs = event.fields.upstreamMs;
    if (typeof upstreamMs === 'number') {
      metrics.upstreamDuration.observe({ service: event.service, route }, upstreamMs / 1000);
    }
    const shadow = event.fields.shadowLimited;
    if (typeof shadow === 'string') metrics.shadowLimited.inc({ service: event.service, limit: shadow });
    if (event.decision === 'allowed' || event.decision === 'upstream-error') return;
    const by = refusals.refusedBy(event);
    // The reason is a mitigation kind or the guard's own name (a rule prefix from the code): a bounded set.
    const rule = event.rule ?? event.decision;
    const reason = by?.kind ?? (rule.includes(':') ? rule.slice(0, rule.indexOf(':')) : rule);
    metrics.gatewayRejections.inc({ service: event.service, reason });
    if (by) refusals.count(event, by);
  };
}
