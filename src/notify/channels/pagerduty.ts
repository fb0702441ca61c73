import type { ChannelTarget, NotifyMessage, PagerDutySeverity } from '../message.js';
import {
  DELIVERY_HEADER,
  readEnv,
  truncate,
  type Channel,
  type DeliveryResult,
  type Env,
} from './channel.js';
import { postJson } from './post-json.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/**
 * One PagerDuty alert per incident: trigger, acknowledge and resolve all carry this key, so PagerDuty itself
 * folds a repeated trigger into the open alert instead of paging again (its own de-duplication). The message's
 * delivery id rides along in the trigger's custom_details and in the x-rampart-delivery header.
 */
export function pagerDutyDedupKey(incidentId: string): string {
  return `rampart-${incidentId}`;
}

/** Rank 0 or 1 (the most severe level) pages as critical; 2 error; 3 warning; anything lower is info. */
export function pagerDutySeverity(rank: number): PagerDutySeverity {
  if (rank <= 1) return 'critical';
  if (rank === 2) return 'error';
  if (rank === 3) return 'warning';
  return 'info';
}

/** The Events API v2 body; the payload goes only with a trigger (PagerDuty ignores it otherwise). */
export function pagerDutyBody(
  message: NotifyMessage,
  routingKey: string,
): Record<string, unknown> | undefined {
  const action = message.pagerduty.action;
  if (action === null) return undefined;
  const i = message.incident;
  const body: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: pagerDutyDedupKey(i.id),
  };
  if (action === 'trigger') {
    body.payload = {
      summary: truncate(`[${i.severity}] ${i.service}: ${i.title}`, 1024),
      source: i.service,
      severity: message.pagerduty.severity,
      timestamp: i.createdAt,
      component: i.service,
      class: i.type ?? 'incident',
      custom_details: {
        incident: i.id,
        status: i.status,
        severity: i.severity,
        commander: i.commander,
        change: message.text,
        scope: i.scope,
        scope_counts: i.scopeCounts,
        ...(message.mitigation === undefined ? {} : { mitigation: message.mitigation }),
        delivery_id: message.deliveryId,
      },
    };
    body.client = 'Rampart';
    const first = message.links.find((l) => /^https?:\/\//.test(l.url));
    if (first) body.client_url = first.url;
    if (message.links.length > 0) body.links = message.links.map((l) => ({ href: l.url, text: l.label }));
  }
  return body;
}

export function pagerDutyChannel(deps: {
  env: Env;
  now: () => Date;
  timeoutMs: number;
  eventsUrl?: string;
}): Channel {
  return {
    kind: 'pagerduty',
    async send(message: NotifyMessage, target: ChannelTarget): Promise<DeliveryResult> {
      if (target.type !== 'pagerduty')
        return { outcome: 'failed', reason: `not a PagerDuty target: ${target.type}` };
      const key = readEnv(deps.env, target.routing_key_env);
      if ('missing' in key) return key.missing;
      const body = pagerDutyBody(message, key.value);
      if (body === undefined) return { outcome: 'delivered' };
      return postJson({
        url: deps.eventsUrl ?? PAGERDUTY_EVENTS_URL,
        body: JSON.stringify(body),
        headers: { [DELIVERY_HEADER]: message.deliveryId },
        timeoutMs: deps.timeoutMs,
        now: deps.now,
        secrets: [key.value],
      });
    },
  };
}
