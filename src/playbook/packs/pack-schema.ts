import { z } from 'zod';
import { ruleFields, type RulePackOrigin } from '../schema/detection.js';
import { idSchema, textSchema } from '../schema/primitives.js';

/**
 * A rule pack: rules written once and included by many playbooks (`include: [http]`). A pack does not know the
 * playbook's severity scale, incident types, rate limits or switches, so its rules name none of them: they open
 * incidents at the severity the include gives (default the playbook's least severe level), and their only
 * mitigation is a block of the offending address, applied by itself for at most an hour.
 */

/** How long a pack may block an address by itself: longer blocks are a person's decision. */
export const PACK_MAX_AUTOMATIC_BLOCK_MS = 3_600_000;

const portedFromSchema = z.strictObject({
  /** The public definition the rule follows, e.g. crowdsecurity/http-probing. */
  name: textSchema,
  url: z.string().url({ message: 'the URL of the public definition' }),
  licence: textSchema,
});

const { severity: _severity, incident_type: _type, ...packRuleFields } = ruleFields;

export const packRuleSchema = z
  .strictObject({ ...packRuleFields, ported_from: portedFromSchema })
  .superRefine((rule, ctx) => {
    const m = rule.mitigation;
    if (m === undefined) return;
    if (m.action !== 'block' || m.target === 'cidrs')
      ctx.addIssue({
        code: 'custom',
        path: ['mitigation', 'action'],
        message: 'a block of the address or its prefix (a pack knows no limits, switches or tokens of the playbook)',
      });
    if (m.automatic && (m.for === undefined || m.for > PACK_MAX_AUTOMATIC_BLOCK_MS))
      ctx.addIssue({
        code: 'custom',
        path: ['mitigation', 'for'],
        message: 'at most 1h for a block a pack applies by itself',
      });
    // A repeat offender's longer blocks are the playbook's decision, not a pack's.
    const escalate = (m as { escalate?: number[] }).escalate;
    if (m.automatic && escalate?.some((ms) => ms > PACK_MAX_AUTOMATIC_BLOCK_MS))
      ctx.addIssue({
        code: 'custom',
        path: ['mitigation', 'escalate'],
        message: 'steps of at most 1h for a block a pack applies by itself',
      });
  });

export const packSchema = z
  .strictObject({
    rampart_pack: z.literal(1, { message: 'pack format version 1 (rampart_pack: 1)' }),
    name: idSchema,
    title: textSchema,
    description: z.string().optional(),
    /** The licence of the definitions and lists the pack ports. */
    licence: textSchema,
    rules: z.array(packRuleSchema).min(1, { message: 'at least one rule' }),
  })
  .meta({ title: 'Rampart rule pack' });

export type Pack = z.output<typeof packSchema>;
export type PackRule = Pack['rules'][number];
export type { RulePackOrigin };
