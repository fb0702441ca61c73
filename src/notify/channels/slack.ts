import type { ChannelTarget, NotifyMessage } from '../message.js';
import {
  DELIVERY_HEADER,
  readEnv,
  truncate,
  type Channel,
  type DeliveryResult,
  type Env,
} from './channel.js';
import { postJson } from './post-json.js';

/** Slack's documented Block Kit limits (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  fallbackText: 40_000,
} as const;

/** Slack mrkdwn needs only these three escaped; anything else a title holds is shown as written. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function list(values: string[], total: number): string {
  if (total === 0) return '—';
  const shown = values
    .slice(0, 20)
    .map((v) => `\`${esc(v)}\``)
    .join(', ');
  return total > 20 ? `${shown} … (${total} in all)` : shown;
}

/** The Slack incoming-webhook body: header, severity/status fields, the change, scope and links. */
export function slackBody(message: NotifyMessage): Record<string, unknown> {
  const i = message.incident;
  // An audience's template (the support summary) replaces the default wording; the facts blocks stay.
  const headline = message.subject ?? message.headline;
  const text = message.body ?? message.text;
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(headline, SLACK_LIMITS.headerText), emoji: false },
    },
    {
      type: 'section',
      fields: [
        `*Severity*\n${esc(i.severity)}`,
        `*Status*\n${esc(i.status)}`,
        `*Incident*\n${esc(i.id)} · ${esc(i.service)}`,
        `*Commander*\n${i.commander === null ? 'unassigned' : esc(i.commander)}`,
      ].map((text) => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.fieldText) })),
    },
  ];
  if (text.trim() !== '') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(esc(text), SLACK_LIMITS.sectionText) },
    });
  }
  const m = message.mitigation;
  if (m !== undefined) {
    blocks.push({
      type: 'section',
      fields: [
        `*Mitigation*\n${esc(m.kind)} \`${esc(m.target)}\``,
        `*Until*\n${m.liftedAt !== null ? `lifted ${esc(m.liftedAt)}` : m.until === null ? 'until lifted' : esc(m.until)}`,
        `*By*\n${esc(m.author)}${m.liftedBy !== null ? ` (lifted by ${esc(m.liftedBy)})` : ''}`,
        `*Reason*\n${esc(m.reason)}`,
      ].map((text) => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.fieldText) })),
    });
  }
  const scope = [
    `*Tenants:* ${list(i.scope.tenants, i.scopeCounts.tenants)}`,
    `*Events:* ${list(i.scope.events, i.scopeCounts.events)}`,
    `*IPs:* ${list(i.scope.ips, i.scopeCounts.ips)}`,
    `*Tokens (previews):* ${list(i.scope.tokenPreviews, Math.max(i.scopeCounts.tokens ?? 0, i.scopeCounts.tokenPreviews))}`,
  ].join('\n');
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(scope, SLACK_LIMITS.sectionText) } });
  const links = message.links
    .filter((l) => /^https?:\/\//.test(l.url))
    .map((l) => `<${l.url}|${esc(l.label).replace(/\|/g, '¦')}>`)
    .join(' · ');
  if (links !== '') {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(links, SLACK_LIMITS.sectionText) }],
    });
  }
  return {
    text: truncate(`${headline}\n${text}`, SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
    metadata: slackMetadata(message),
  };
}

/**
 * Slack's message metadata (`event_type` plus a flat `event_payload`): the delivery id travels with the
 * message, so whoever reads the channel's messages (an app, a relay in front of the webhook) can drop a repeat
 * of an at-least-once delivery, and can tell which incident and event a message stands for.
 */
export function slackMetadata(message: NotifyMessage): {
  event_type: string;
  event_payload: Record<string, string>;
} {
  const i = message.incident;
  return {
    event_type: `rampart_incident_${message.event}`,
    event_payload: {
      delivery_id: message.deliveryId,
      incident_id: i.id,
      service: i.service,
      severity: i.severity,
      status: i.status,
    },
  };
}

export function slackChannel(deps: { env: Env; now: () => Date; timeoutMs: number }): Channel {
  return {
    kind: 'slack',
    async send(message: NotifyMessage, target: ChannelTarget): Promise<DeliveryResult> {
      if (target.type !== 'slack') return { outcome: 'failed', reason: `not a Slack target: ${target.type}` };
      const url = readEnv(deps.env, target.webhook_env);
      if ('missing' in url) return url.missing;
      // The webhook URL is the credential: it is never logged, and reasons are scrubbed of it.
      return postJson({
        url: url.value,
        body: JSON.stringify(slackBody(message)),
        headers: { [DELIVERY_HEADER]: message.deliveryId },
        timeoutMs: deps.timeoutMs,
        now: deps.now,
        secrets: [],
      });
    },
  };
}
