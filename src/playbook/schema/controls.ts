import { z } from 'zod';
import { cidrSchema, envNameSchema } from './primitives.js';

/**
 * Operators' controls: what no mitigation may touch, whoever asks for it (a rule, a responder, the API). A
 * mitigation that would block one of these addresses or revoke one of these tokens or subjects is refused and the
 * refusal recorded; nothing already in force is lifted because of this list (that stays a person's decision).
 */
export const neverBlockSchema = z
  .strictObject({
    /** Addresses or ranges (IPv4/IPv6, CIDR): a block overlapping one of them is refused. */
    addresses: z.array(cidrSchema).default([]),
    /**
     * Tokens that must never be revoked, named by the environment variables that hold them (the playbook never
     * holds a token). They are hashed with the token key at start-up and compared with revocation targets.
     */
    tokens_env: z.array(envNameSchema).default([]),
    /** JWT subjects whose sessions must never be revoked (per subject, or by revoke-all). */
    subjects: z.array(z.string().min(1).max(200)).default([]),
    /**
     * The monitors' own traffic: the tokens their requests carry (the `${ENV}` values in their URL and headers),
     * and loopback when a monitor calls a gateway on this host.
     */
    monitors: z.boolean().default(false),
  })
  .meta({
    id: 'PlaybookNeverBlock',
    description: 'Addresses, ranges, tokens (by env var), subjects and the monitors\' traffic no mitigation may touch.',
  });
