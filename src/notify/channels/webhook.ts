import { createHmac } from 'node:crypto';
import { safeEqual } from '../../shared/secrets.js';
import type { ChannelTarget, NotifyMessage } from '../message.js';
import { DELIVERY_HEADER, readEnv, type Channel, type DeliveryResult, type Env } from './channel.js';
import { postJson } from './post-json.js';

export const WEBHOOK_TIMESTAMP_HEADER = 'x-rampart-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-rampart-signature';
export const WEBHOOK_DELIVERY_HEADER = DELIVERY_HEADER;
/** A receiver refuses signatures older (or further in the future) than this, so a captured request cannot be replayed later. */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`; the timestamp is Unix seconds. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers: true only when the signature matches the raw body and the timestamp is within the
 * tolerance of `now`. Compare in constant time; keep the delivery header to drop a repeated delivery.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now?: Date;
  toleranceMs?: number;
}): boolean {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const ageMs = Math.abs((input.now ?? new Date()).getTime() - Number(timestamp) * 1000);
  if (ageMs > (input.toleranceMs ?? WEBHOOK_TOLERANCE_MS)) return false;
  return safeEqual(signWebhook(input.secret, timestamp, input.body), signature);
}

/** The JSON a webhook receiver gets. */
export function webhookBody(message: NotifyMessage, sentAt: Date): Record<string, unknown> {
  return {
    type: 'rampart.notification',
    delivery_id: message.deliveryId,
    event: message.event,
    sent_at: sentAt.toISOString(),
    headline: message.headline,
    text: message.text,
    ...(message.subject === undefined ? {} : { subject: message.subject, body: message.body }),
    incident: message.incident,
    ...(message.mitigation === undefined ? {} : { mitigation: message.mitigation }),
    links: message.links,
  };
}

export function webhookChannel(deps: { env: Env; now: () => Date; timeoutMs: number }): Channel {
  return {
    kind: 'webhook',
    async send(message: NotifyMessage, target: ChannelTarget): Promise<DeliveryResult> {
      if (target.type !== 'webhook')
        return { outcome: 'failed', reason: `not a webhook target: ${target.type}` };
      const url = readEnv(deps.env, target.url_env);
      if ('missing' in url) return url.missing;
      let secret: string | undefined;
      if (target.secret_env !== undefined) {
        const read = readEnv(deps.env, target.secret_env);
        if ('missing' in read) return read.missing;
        secret = read.value;
      }
      const now = deps.now();
      const body = JSON.stringify(webhookBody(message, now));
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const headers: Record<string, string> = {
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_DELIVERY_HEADER]: message.deliveryId,
      };
      if (secret !== undefined) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
      return postJson({
        url: url.value,
        body,
        headers,
        timeoutMs: deps.timeoutMs,
        now: deps.now,
        secrets: [secret],
      });
    },
  };
}
