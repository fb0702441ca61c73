import { z } from 'zod';
import { filterSchema } from './filter.js';
import { isTimeZone } from './comms.js';
import { mitigationSchema } from './mitigation.js';
import {
  durationSchema,
  envNameSchema,
  idSchema,
  labelSchema,
  positiveIntSchema,
  regexSchema,
  textSchema,
} from './primitives.js';

export const LOG_FORMATS = [
  'nginx',
  'nginx-json',
  'nginx-error',
  'apache',
  'apache-error',
  'caddy',
  'traefik',
  'laravel',
  'uvicorn',
  'uvicorn-error',
  'jsonl',
  'regex',
] as const;

const logSourceSchema = z
  .strictObject({
    kind: z.literal('log'),
    name: idSchema.optional(),
    path: z.string().min(1),
    format: z.enum(LOG_FORMATS),
    /** regex format: named groups become event fields (status, ip, path, message, …). */
    pattern: regexSchema.optional(),
    /** jsonl format: event field → JSON key (dots address nested keys). */
    fields: z.record(z.string(), z.string()).optional(),
    /**
     * Fields the lines carry beyond what the format declares (nginx `key=value` pairs appended to log_format, the
     * app's own Laravel context keys), so rules may use them.
     */
    extra_fields: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, { message: 'a field name' }))
      .optional(),
    /**
     * IANA zone of the times this log writes without an offset (nginx and Apache error logs, syslog prefixes,
     * Python's asctime, Laravel's default date). Default: the zone of the host Rampart runs on.
     */
    timezone: z
      .string()
      .max(64)
      .refine(isTimeZone, { message: 'an IANA time zone such as Europe/Berlin or UTC' })
      .optional(),
    /**
     * nginx access log: statuses nginx answers itself when it refuses a request (limit_req_status,
     * limit_conn_status). A line with one of them reads as rate-limited by the proxy rather than an app error.
     * Without it, a 429 or 503 whose upstream time is "-" (nginx asked no upstream) reads so.
     */
    refusal_statuses: z.array(z.number().int().min(400).max(599)).max(16).optional(),
  })
  .refine((s) => s.format !== 'regex' || s.pattern !== undefined, {
    message: 'a `pattern` for a source of format regex',
    path: ['pattern'],
  });

export const sourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('gateway'), name: idSchema.optional() }),
  logSourceSchema,
  z.strictObject({ kind: z.literal('alertmanager'), name: idSchema.optional(), secret_env: envNameSchema.optional() }),
  z.strictObject({ kind: z.literal('webhook'), name: idSchema.optional(), secret_env: envNameSchema.optional() }),
]);

export const GROUP_KEYS = ['ip', 'ip_prefix', 'ip_prefix16', 'token', 'tenant', 'event', 'route', 'host', 'subject'] as const;

/** "1/s", "30/m", "0.5/s" → per second. */
export function parseLeakRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\/(s|m|h)$/.exec(text.trim());
  if (!match) return undefined;
  const per = { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
  const rate = Number(match[1]) / per;
  return rate > 0 ? rate : undefined;
}

const leakyBucketSchema = z
  .strictObject({
    type: z.literal('leaky_bucket'),
    capacity: positiveIntSchema,
    leak: z.string().regex(/^\d+(\.\d+)?\/(s|m|h)$/, { message: 'a leak rate such as 1/s or 30/m' }).optional(),
    leak_per_second: z.number().positive().optional(),
    /** Keep firing (and blocking) this long after the bucket overflowed. */
    blackhole: durationSchema.optional(),
  })
  .refine((t) => (t.leak === undefined) !== (t.leak_per_second === undefined), {
    message: 'exactly one of leak (e.g. 1/s) or leak_per_second',
  })
  .transform(({ leak, leak_per_second, ...rest }) => ({
    ...rest,
    leak_per_second: leak_per_second ?? parseLeakRate(leak ?? '') ?? 1,
  }));

export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('threshold'), count: positiveIntSchema, window: durationSchema }),
  leakyBucketSchema,
  z.strictObject({
    type: z.literal('distinct'),
    field: z.string().min(1),
    count: positiveIntSchema,
    window: durationSchema,
    /**
     * Values of `field` seen on any event of the rule's sources that matches this filter are known and never
     * counted: `{ status: 2xx }` on a token count means "tokens that never once worked". Learned as events
     * arrive, the 100,000 most recently seen values kept.
     */
    ignore_known: filterSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('ratio'),
    share: z.number().gt(0, { message: 'a share > 0' }).max(1, { message: 'a share <= 1' }),
    min_requests: positiveIntSchema.default(20),
    window: durationSchema,
    /** Which requests count as errors; default status >= 500. */
    errors: filterSchema.prefault({ status: '>=500' }),
  }),
  z.strictObject({
    type: z.literal('baseline'),
    factor: z.number().gt(1, { message: 'a factor > 1' }),
    window: durationSchema,
    learn: durationSchema,
    min_count: positiveIntSchema.default(20),
  }),
  z.strictObject({
    type: z.literal('latency'),
    percentile: z.number().gt(0).max(100, { message: 'a percentile 1-100' }),
    above: durationSchema,
    window: durationSchema,
    min_requests: positiveIntSchema.default(20),
  }),
  z.strictObject({ type: z.literal('absence'), for: durationSchema }),
]);

/** Where a rule came from when a rule pack brought it (set by the loader, never written in a playbook). */
export interface RulePackOrigin {
  /** The pack's name, e.g. http. */
  pack: string;
  /** The pack's rules file and the line the rule starts on. */
  file: string;
  line: number;
  /** The public definition the rule is ported from, and its licence. */
  ported_from: { name: string; url: string; licence: string };
}

/** The fields of a rule; packs reuse them (see ../packs/pack-schema.ts). */
export const ruleFields = {
  name: idSchema,
  title: z.string().optional(),
  description: z.string().optional(),
  incident_type: idSchema.optional(),
  severity: labelSchema.optional(),
  source: z.string().min(1).optional(),
  filter: filterSchema.optional(),
  group_by: z.array(z.string().regex(/^[a-z_][a-z0-9_.]*$/, { message: 'a group key such as ip_prefix' })).default([]),
  trigger: triggerSchema,
  quiet_period: durationSchema.prefault('10m'),
  /** Shadow rules record signals but open no incident and apply nothing: for trying a rule out. */
  shadow: z.boolean().default(false),
  mitigation: mitigationSchema.optional(),
};

export const ruleSchema = z
  .strictObject(ruleFields)
  .transform((rule) => rule as typeof rule & { pack?: RulePackOrigin });

export const detectionSchema = z.strictObject({
  sources: z.array(sourceSchema).default([{ kind: 'gateway' }]),
  manual_checks: z.array(z.strictObject({ name: textSchema, command: textSchema })).default([]),
  evidence_window: durationSchema.prefault('15m'),
  /**
   * How long an open incident keeps taking the signals of its attack (same incident type and attacked entity,
   * whichever rule or source raised them) after its last one; a signal later than that opens a fresh incident.
   */
  join_window: durationSchema.prefault('1h'),
  rules: z.array(ruleSchema).default([]),
  blast_radius_cap: z
    .strictObject({
      requests: positiveIntSchema.optional(),
      tenants: positiveIntSchema.optional(),
      window: durationSchema.prefault('15m'),
    })
    .optional(),
});
