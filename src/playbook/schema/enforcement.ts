import { z } from 'zod';
import { MITIGATION_KINDS } from '../../domain/mitigation.js';
import { durationSchema, envNameSchema, idSchema } from './primitives.js';

export const HOOK_EVENTS = ['apply', 'lift', 'expire'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/**
 * An action hook, as fail2ban's actions: a program run (never through a shell) when a mitigation of one of its
 * kinds is applied, lifted or expires, with the mitigation's fields in RAMPART_* environment variables and in
 * `{placeholders}` of its arguments. Bounded in time (killed after `timeout`) and in output.
 */
export const hookSchema = z.strictObject({
  name: idSchema,
  /** argv: the program, then its arguments. `{action}`, `{target}`, `{kind}`, `{id}`, `{service}`, `{scope}`, `{seconds}` are replaced inside each argument. */
  command: z.array(z.string().min(1).max(4096)).min(1, { message: 'a program and its arguments, e.g. [/usr/local/bin/deny.sh]' }).max(64),
  kinds: z.array(z.enum(MITIGATION_KINDS)).min(1).default(['block']),
  on: z.array(z.enum(HOOK_EVENTS)).min(1).default([...HOOK_EVENTS]),
  timeout: durationSchema.default(10_000),
  /** Fixed extra environment for the program (names and values from the playbook, never from a request). */
  env: z.record(envNameSchema, z.string().max(4096)).optional(),
});

export const enforcementSchema = z
  .strictObject({
    /** Serve this service's address and range blocks to CrowdSec bouncers (`rampart bouncers add NAME`). */
    bouncers: z.boolean().default(false),
    /**
     * How long a mitigation may stand with no gateway, bouncer or hook holding it before it is marked "recorded
     * but not enforced" on its timeline (a bouncer pulls every 10 s by default).
     */
    ack_within: durationSchema.default(30_000),
    hooks: z.array(hookSchema).default([]),
  })
  .meta({
    id: 'PlaybookEnforcement',
    description: "Enforcement points beside Rampart's gateway: CrowdSec bouncers and action hooks.",
  });
