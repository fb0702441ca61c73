import { z } from 'zod';
import { parseDuration } from '../shared/duration.js';
import { RampartError } from '../shared/errors.js';

const durationText = z
  .string()
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a duration such as 90s, 5m, 1h' });
      return z.NEVER;
    }
    return ms;
  });

/** The environment, read once at start-up and validated; nothing else reads process.env. */
const envSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
  RAMPART_REDIS_PREFIX: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]{1,64}(:[A-Za-z0-9_.-]{1,64})*$/,
      'letters, digits and _ . - in parts separated by :',
    )
    .default('rampart'),
  RAMPART_HOST: z.string().min(1).default('127.0.0.1'),
  RAMPART_PORT: z.coerce.number().int().min(0).max(65535).default(7300),
  RAMPART_PLAYBOOKS: z.string().min(1).default('playbooks'),
  RAMPART_TOKEN_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  /** Where people reach the API/dashboard, for links in notifications. */
  RAMPART_PUBLIC_URL: z.url().optional(),
  /** PagerDuty Events API v2 endpoint; default PagerDuty's own (a proxy or a test receiver may stand in). */
  RAMPART_PAGERDUTY_EVENTS_URL: z.url().optional(),
  /** /healthz says degraded when the oldest unsent notification is older than this. */
  RAMPART_OUTBOX_STUCK_AFTER: durationText.default(5 * 60_000),
  /** /healthz says degraded when a log file that exists has had no new line for this long. */
  RAMPART_SOURCE_STALLED_AFTER: durationText.default(15 * 60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CI: z.string().optional(),
});

export type Config = z.infer<typeof envSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `export DATABASE_URL=` means unset, as in most tools.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  throw new RampartError(
    'RAMPART_CONFIG',
    `invalid environment: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}
