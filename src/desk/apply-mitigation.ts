import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MITIGATION_KINDS, type Mitigation } from '../domain/mitigation.js';
import { checkMitigationTarget } from '../domain/mitigation-target.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { requireIncident, requireService } from './require-incident.js';

export const applyMitigationInput = z
  .object({
    service: z.string().min(1).max(100),
    kind: z.enum(MITIGATION_KINDS),
    target: z.string().min(1).max(200),
    reason: z.string().trim().min(1, 'say why').max(2000),
    /** Lifetime in milliseconds; omitted means until lifted. */
    forMs: z
      .number()
      .int()
      .positive()
      .max(366 * 86_400_000)
      .optional(),
    incidentId: z.string().min(1).max(40).optional(),
    /** Kind-specific values: the banner for maintenance, the new limit for a limit override, a token preview. */
    data: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const problem = checkMitigationTarget(input.kind, input.target);
    if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
  });
export type ApplyMitigationInput = z.infer<typeof applyMitigationInput>;

/**
 * Records a mitigation (who, why, for which incident, until when) and tells the gateway state through the desk
 * events. Linked to an incident, it is also on that incident's timeline.
 */
export async function applyMitigation({ ctx, input }: ActionArgs<ApplyMitigationInput>): Promise<Mitigation> {
  const policy = requireService(ctx, input.service);
  const now = ctx.clock.now();
  const mitigation = await ctx.store.transaction(async (tx) => {
    const incident = input.incidentId ? await requireIncident(tx, input.incidentId) : undefined;
    if (incident && incident.service !== policy.name) {
      throw new RampartError(
        'RAMPART_VALIDATION',
        `${incident.id} belongs to ${incident.service}, not ${policy.name}`,
        [{ path: 'incidentId', message: 'incident of another service' }],
      );
    }
    const created = await tx.mitigations.create({
      id: `mit-${randomUUID().slice(0, 8)}`,
      service: policy.name,
      kind: input.kind,
      target: input.target,
      reason: input.reason,
      author: ctx.actor,
      incidentId: incident?.id ?? null,
      createdAt: now.toISOString(),
      expiresAt: input.forMs ? new Date(now.getTime() + input.forMs).toISOString() : null,
      liftedAt: null,
      liftedBy: null,
      data: input.data ?? {},
    });
    const details = {
      mitigation: created.id,
      kind: created.kind,
      target: created.target,
      expiresAt: created.expiresAt,
      reason: created.reason,
    };
    if (incident) {
      await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'mitigation',
        summary: `${created.kind} ${created.target}${created.expiresAt ? ` until ${created.expiresAt}` : ''}: ${created.reason}`,
        data: details,
        action: 'mitigation.apply',
      });
    } else {
      await tx.audit.append({
        at: created.createdAt,
        actor: ctx.actor,
        action: 'mitigation.apply',
        target: created.id,
        details,
      });
    }
    return created;
  });
  ctx.events?.emit({ type: 'mitigation.applied', mitigation });
  return mitigation;
}
