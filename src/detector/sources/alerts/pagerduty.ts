import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InboundAlert } from './inbound-alert.js';

/** The PagerDuty Events API v2 body, so tools that already page PagerDuty can feed Rampart unchanged. */
export const pagerDutyEvent = z.object({
  routing_key: z.string().min(1).max(200),
  event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255).optional(),
  payload: z
    .object({
      summary: z.string().min(1).max(1024),
      source: z.string().min(1).max(255),
      severity: z.enum(['critical', 'error', 'warning', 'info']),
      timestamp: z.string().max(64).optional(),
      component: z.string().max(255).optional(),
      group: z.string().max(255).optional(),
      class: z.string().max(255).optional(),
      custom_details: z.unknown().optional(),
    })
    .optional(),
  client: z.string().max(255).optional(),
  client_url: z.string().max(2000).optional(),
});
export type PagerDutyEvent = z.infer<typeof pagerDutyEvent>;

/** PagerDuty requires a payload on trigger and a dedup_key on acknowledge/resolve; returns the problem, if any. */
export function pagerDutyProblem(event: PagerDutyEvent): string | undefined {
  if (event.event_action === 'trigger' && !event.payload) return "'payload' is missing or blank";
  if (event.event_action !== 'trigger' && !event.dedup_key) return "'dedup_key' is missing or blank";
  return undefined;
}

/** The dedup key PagerDuty would use: the sender's, or one derived from the payload. */
export function pagerDutyDedupKey(event: PagerDutyEvent): string {
  if (event.dedup_key) return event.dedup_key;
  const seed = `${event.payload?.source ?? ''}\n${event.payload?.summary ?? ''}`;
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

export function fromPagerDuty(event: PagerDutyEvent, now: string): InboundAlert {
  const status =
    event.event_action === 'trigger'
      ? 'firing'
      : event.event_action === 'resolve'
        ? 'resolved'
        : 'acknowledged';
  const payload = event.payload;
  return {
    source: 'pagerduty',
    rule: `pagerduty:${payload?.source ?? 'event'}`,
    key: pagerDutyDedupKey(event),
    status,
    title: (payload?.summary ?? `PagerDuty ${event.event_action}`).slice(0, 300),
    ...(payload ? { level: payload.severity } : {}),
    at:
      payload?.timestamp && !Number.isNaN(Date.parse(payload.timestamp))
        ? new Date(payload.timestamp).toISOString()
        : now,
    details: {
      ...(payload?.component ? { component: payload.component } : {}),
      ...(payload?.group ? { group: payload.group } : {}),
      ...(payload?.class ? { class: payload.class } : {}),
      ...(payload?.custom_details !== undefined ? { custom_details: payload.custom_details } : {}),
      ...(event.client ? { client: event.client } : {}),
    },
  };
}
