import { z } from 'zod';
import { cidrSchema, durationSchema, idSchema, labelSchema, positiveIntSchema, textSchema } from './primitives.js';

/**
 * What the playbook may do about an incident. Rules name one (applied by itself when `automatic`), incident
 * types list the menu a responder picks from. `for` is how long it stays in force; none = until lifted.
 */
const common = {
  for: durationSchema.optional(),
  /**
   * Repeat offenders: the lifetime of the 1st, 2nd, 3rd… mitigation of the same kind on the same target (the last
   * one repeats), replacing `for`. An offence counts while the one before it is less than `escalate_reset` ago.
   */
  escalate: z.array(durationSchema).min(1).max(10).optional(),
  /** How long a target must stay clean before it starts again at the first step. Default 30d. */
  escalate_reset: durationSchema.optional(),
  automatic: z.boolean().default(false),
  description: z.string().optional(),
};

const blockSchema = z.strictObject({
  action: z.literal('block'),
  /** Block the signal's client IP, its /24 or /64 prefix, or fixed CIDRs. */
  target: z.enum(['ip', 'ip_prefix', 'cidrs']).default('ip'),
  cidrs: z.array(cidrSchema).min(1).optional(),
  ...common,
});

const throttleSchema = z.strictObject({
  action: z.literal('throttle'),
  /** The gateway rate limit to tighten. */
  limit: idSchema,
  /** New limit per the same window. */
  to: positiveIntSchema,
  ...common,
});

const revokeTokenSchema = z.strictObject({
  action: z.literal('revoke-token'),
  /** Token kind whose token the signal carries; default any. */
  token: idSchema.optional(),
  ...common,
});

const revokeJtiSchema = z.strictObject({ action: z.literal('revoke-jti'), token: idSchema.optional(), ...common });
const revokeSubjectSchema = z.strictObject({ action: z.literal('revoke-subject'), token: idSchema.optional(), ...common });

/** Revokes every session issued before now (an issued-before epoch), without rotating the app's secret. */
const revokeAllSchema = z.strictObject({ action: z.literal('revoke-all'), token: idSchema.optional(), ...common });

const switchOffSchema = z.strictObject({ action: z.literal('switch-off'), switch: idSchema, ...common });

/** Fail closed: 503 + banner + Retry-After, on every non-exempt route or only the named ones. */
const maintenanceSchema = z.strictObject({
  action: z.literal('maintenance'),
  banner: z.string().optional(),
  routes: z.array(idSchema).min(1).optional(),
  ...common,
});

const manualSchema = z.strictObject({
  action: z.literal('manual'),
  text: textSchema,
  command: z.string().optional(),
  ...common,
});

const notifySchema = z.strictObject({
  action: z.literal('notify'),
  audience: idSchema,
  template: idSchema.optional(),
  ...common,
});

export const mitigationSchema = z.discriminatedUnion('action', [
  blockSchema,
  throttleSchema,
  revokeTokenSchema,
  revokeJtiSchema,
  revokeSubjectSchema,
  revokeAllSchema,
  switchOffSchema,
  maintenanceSchema,
  manualSchema,
  notifySchema,
]).meta({ id: 'PlaybookMitigation', description: 'An action against an incident; automatic ones run when a rule fires.' });

export const MITIGATION_ACTIONS = [
  'block',
  'throttle',
  'revoke-token',
  'revoke-jti',
  'revoke-subject',
  'revoke-all',
  'switch-off',
  'maintenance',
  'manual',
  'notify',
] as const;

export const incidentTypeSchema = z.strictObject({
  name: idSchema,
  title: textSchema,
  description: z.string().optional(),
  severity: labelSchema.optional(),
  mitigations: z.array(mitigationSchema).default([]),
  investigation: z.array(textSchema).optional(),
});
