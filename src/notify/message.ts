import type { ChannelSpec } from '../playbook/index.js';
import type { NOTIFY_EVENTS } from '../playbook/index.js';

/** The events a playbook audience can ask for (`comms.audiences[].when.events`). */
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/** The incident as a message shows it; scope lists are capped so a message stays within channel limits. */
export interface IncidentSummary {
  id: string;
  title: string;
  service: string;
  severity: string;
  severityRank: number;
  status: string;
  type: string | null;
  commander: string | null;
  createdAt: string;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  scope: { tenants: string[]; events: string[]; ips: string[]; tokenPreviews: string[] };
  /** `tokens` counts distinct tokens by keyed hash (two may share a preview). */
  scopeCounts: { tenants: number; events: number; ips: number; tokenPreviews: number; tokens: number };
}

/**
 * The mitigation a mitigation_applied / mitigation_lifted message is about. `target` is what a person can read:
 * an address, a range, a limit or switch name, or a revoked token's preview (never its keyed hash or a JWT id).
 */
export interface MitigationSummary {
  id: string;
  kind: string;
  target: string;
  /** ISO time it expires, or null for "until lifted". */
  until: string | null;
  reason: string;
  author: string;
  appliedAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
}

/**
 * One message, channel-neutral, as the outbox stores it. Each channel formats it on send, so a stored row
 * never holds a secret and a retry sends exactly the same content.
 */
export interface NotifyMessage {
  /** The outbox dedup key: receivers can use it to drop a repeat after an at-least-once redelivery. */
  deliveryId: string;
  event: NotifyEvent;
  headline: string;
  text: string;
  incident: IncidentSummary;
  /** Set on mitigation_applied, mitigation_lifted and mitigation_expired messages. */
  mitigation?: MitigationSummary;
  links: { label: string; url: string }[];
  /** From the audience's or channel's template; e-mail uses them, other channels fall back to headline/text. */
  subject?: string;
  body?: string;
  pagerduty: { action: PagerDutyAction | null; severity: PagerDutySeverity };
}

/** Where a message goes: the playbook's channel entry (env variable names only) and, for tenant mail, the tenant. */
export type ChannelTarget = ChannelSpec & { tenant?: string };
