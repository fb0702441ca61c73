import { z } from 'zod';
import { labelSchema, textSchema } from './primitives.js';

export const severityLevelSchema = z.strictObject({
  name: labelSchema,
  /** 0 or 1 is the most severe. */
  rank: z.number().int().nonnegative(),
  title: z.string().optional(),
  summary: z.string().optional(),
  criteria: z.array(textSchema).default([]),
  examples: z.array(textSchema).default([]),
});

export const severitySchema = z.strictObject({
  scale: z.array(severityLevelSchema).min(1, { message: 'at least one severity level' }),
  default: labelSchema,
});
