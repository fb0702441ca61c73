import type { ChannelTarget, NotifyMessage } from '../message.js';

export type ChannelKind = 'slack' | 'pagerduty' | 'webhook' | 'email';

/**
 * Every HTTP message carries its delivery id (the outbox dedup key) in this header, and e-mail in
 * `X-Rampart-Delivery`: the outbox sends at least once, so a receiver drops a repeat by this id.
 */
export const DELIVERY_HEADER = 'x-rampart-delivery';

/** What one attempt achieved. `retry` without `afterMs` lets the dispatcher pick its back-off. */
export type DeliveryResult =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; reason: string; afterMs?: number }
  | { outcome: 'failed'; reason: string };

/** A notification channel: one file each, one shape. `send` never throws for a delivery problem. */
export interface Channel {
  readonly kind: ChannelKind;
  send(message: NotifyMessage, target: ChannelTarget): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

/** Secrets come from here, read when a message is sent, so a fixed variable takes effect without a restart. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a required variable; the error names the variable, never its value. */
export function readEnv(env: Env, name: string): { value: string } | { missing: DeliveryResult } {
  const value = env[name]?.trim();
  if (value === undefined || value === '') {
    return { missing: { outcome: 'failed', reason: `environment variable ${name} is not set` } };
  }
  return { value };
}

/** Replaces every occurrence of the given secrets (and their URL-decoded forms) in a message for logs. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join('[redacted]');
    try {
      const url = new URL(secret);
      for (const part of [url.password, url.pathname.length > 1 ? url.pathname : '', url.search]) {
        if (part.length >= 4) out = out.split(part).join('[redacted]');
      }
    } catch {
      // not a URL
    }
  }
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
