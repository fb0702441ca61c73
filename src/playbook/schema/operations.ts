import { z } from 'zod';
import {
  dateSchema,
  durationSchema,
  httpUrlSchema,
  idSchema,
  labelSchema,
  positiveIntSchema,
  statusMatcherSchema,
  textSchema,
} from './primitives.js';

/** Checklist, monitors, verification, post-mortem, routines and review: what happens around an incident. */

export const AUTOMATIC_STEPS = ['availability-check', 'evidence-snapshot', 'scope', 'severity', 'notify', 'mitigation'] as const;

export const checklistSchema = z.strictObject({
  phases: z
    .array(
      z.strictObject({
        name: textSchema,
        time_box: durationSchema,
        steps: z
          .array(
            z.strictObject({
              id: labelSchema,
              title: textSchema,
              details: z.array(textSchema).default([]),
              automatic: z.enum(AUTOMATIC_STEPS).optional(),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

/** `${NAME}` placeholders are read from the environment when the monitor runs (e.g. a known-good token). */
const monitorUrlSchema = z
  .string()
  .refine((url) => httpUrlSchema.safeParse(url.replace(/\$\{[A-Z][A-Z0-9_]*\}/g, 'x')).success, {
    message: 'an http(s) URL, optionally with ${ENV_NAME} placeholders',
  });

export const monitorSchema = z.strictObject({
  name: idSchema,
  description: z.string().optional(),
  request: z.strictObject({
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    url: monitorUrlSchema,
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
  }),
  expect: z
    .strictObject({
      status: statusMatcherSchema.optional(),
      headers: z.record(z.string(), z.string()).optional(),
      headers_present: z.array(z.string().min(1)).optional(),
      latency_max: durationSchema.optional(),
      body_contains: z.string().optional(),
    })
    .prefault({}),
  repeat: positiveIntSchema.max(1000).default(1),
  interval: durationSchema.prefault('1m'),
  timeout: durationSchema.prefault('5s'),
});

export const verificationStepSchema = z.discriminatedUnion('check', [
  z.strictObject({ name: textSchema, check: z.literal('monitors'), monitors: z.array(idSchema).min(1) }),
  z.strictObject({
    name: textSchema,
    check: z.literal('error_rate_baseline'),
    for: durationSchema,
    routes: z.array(idSchema).min(1).optional(),
  }),
  z.strictObject({ name: textSchema, check: z.literal('mitigations_lifted') }),
  z.strictObject({ name: textSchema, check: z.literal('manual'), text: textSchema }),
]);

export const verificationSchema = z.strictObject({ steps: z.array(verificationStepSchema).min(1) });

export const postmortemSchema = z.strictObject({
  due: durationSchema,
  sections: z.array(textSchema).min(1),
  docs_to_update: z.array(textSchema).default([]),
  follow_up_suggestions: z.array(textSchema).default([]),
});

export const routineSchema = z
  .strictObject({
    name: idSchema,
    every: z.enum(['daily', 'weekly', 'monthly']),
    owner: z.string().optional(),
    title: textSchema,
    details: z.array(textSchema).optional(),
    run: z.strictObject({ monitor: idSchema.optional(), drill: idSchema.optional() }).optional(),
  })
  .refine((r) => r.run === undefined || (r.run.monitor === undefined) !== (r.run.drill === undefined), {
    message: 'run names exactly one of monitor or drill',
    path: ['run'],
  });

export const reviewSchema = z.strictObject({
  cadence: z.enum(['monthly', 'quarterly', 'semiannual', 'yearly']).optional(),
  last_reviewed: dateSchema.optional(),
  next_review_due: dateSchema.optional(),
});
