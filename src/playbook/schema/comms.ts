import { z } from 'zod';
import { clockTimeSchema, durationSchema, envNameSchema, idSchema, labelSchema, textSchema } from './primitives.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const NOTIFY_EVENTS = [
  'opened',
  'acknowledged',
  'severity_changed',
  'status_changed',
  'mitigated',
  'resolved',
  'closed',
  'update_due',
  'postmortem_due',
  /** A mitigation of the incident took effect (automatic or by hand) — the message carries it. */
  'mitigation_applied',
  /** A mitigation of the incident was lifted before its expiry — the message carries it. */
  'mitigation_lifted',
  /**
   * A temporary mitigation of the incident ran out (its `for` passed). Such a message also counts as
   * `mitigation_lifted`, so an audience routing that hears of expiries too; route only this to hear only them.
   */
  'mitigation_expired',
] as const;

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const businessHoursSchema = z.strictObject({
  timezone: z.string().refine(isTimeZone, { message: 'an IANA time zone such as Europe/Berlin' }),
  days: z.array(z.enum(WEEKDAYS)).min(1),
  start: clockTimeSchema,
  end: clockTimeSchema,
});

export const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('slack'), target: z.string().optional(), webhook_env: envNameSchema }),
  z.strictObject({ type: z.literal('pagerduty'), routing_key_env: envNameSchema }),
  z.strictObject({ type: z.literal('webhook'), url_env: envNameSchema, secret_env: envNameSchema.optional() }),
  z.strictObject({
    type: z.literal('email'),
    /** "tenants": the contacts of the tenants in the incident's scope; or fixed addresses. */
    to: z.union([z.literal('tenants'), z.array(z.email({ message: 'an e-mail address' })).min(1)]),
    smtp_env: envNameSchema,
    from: z.string().optional(),
    template: idSchema.optional(),
  }),
]);

export const audienceSchema = z.strictObject({
  name: idSchema,
  title: z.string().optional(),
  description: z.string().optional(),
  channels: z.array(channelSchema).min(1),
  when: z
    .strictObject({
      severities: z.array(labelSchema).min(1).optional(),
      events: z.array(z.enum(NOTIFY_EVENTS)).min(1).default(['opened', 'resolved']),
      incident_types: z.array(idSchema).min(1).optional(),
      /** Only incidents whose scope names a tenant or an event (the seed's "impactful SEV-2"). */
      impactful: z.boolean().optional(),
    })
    .prefault({}),
  timing: z.enum(['immediate', 'business_hours']).default('immediate'),
  cadence: durationSchema.optional(),
  /** A person confirms each message before it goes out (e.g. tenant e-mails "only for impactful SEV-2"). */
  requires_approval: z.boolean().default(false),
  template: idSchema.optional(),
});

export const templateSchema = z.strictObject({
  name: idSchema,
  subject: textSchema,
  body: textSchema,
});

export const commsSchema = z.strictObject({
  business_hours: businessHoursSchema.optional(),
  audiences: z.array(audienceSchema).default([]),
  templates: z.array(templateSchema).default([]),
});
