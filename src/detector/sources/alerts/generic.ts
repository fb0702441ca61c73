import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ALERT_LEVELS } from '../../../domain/severity.js';
import type { InboundAlert } from './inbound-alert.js';

/** A plain JSON alert for anything that can POST: a title, and optionally how bad and how to de-duplicate. */
export const genericAlertBody = z
  .object({
    title: z.string().trim().min(1).max(300),
    status: z.enum(['firing', 'resolved']).default('firing'),
    severity: z.string().min(1).max(50).optional(),
    level: z.enum(ALERT_LEVELS).optional(),
    fingerprint: z.string().min(1).max(200).optional(),
    type: z.string().min(1).max(100).optional(),
    source: z.string().min(1).max(100).optional(),
    at: z.iso.datetime().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type GenericAlertBody = z.infer<typeof genericAlertBody>;

export function fromGenericAlert(body: GenericAlertBody, now: string): InboundAlert {
  const source = body.source ?? 'webhook';
  return {
    source: 'webhook',
    rule: `webhook:${source}`,
    key:
      body.fingerprint ?? createHash('sha256').update(`${source}\n${body.title}`).digest('hex').slice(0, 32),
    status: body.status,
    title: body.title,
    ...(body.severity ? { severity: body.severity } : {}),
    ...(body.level ? { level: body.level } : {}),
    ...(body.type ? { type: body.type } : {}),
    at: body.at ?? now,
    details: body.details ?? {},
  };
}
