import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MITIGATION_KINDS, shownTarget, type Mitigation } from '../domain/mitigation.js';
import { checkMitigationTarget } from '../domain/mitigation-target.js';
import { RampartError } from '../shared/errors.js';
import type { Incident } from '../domain/incident.js';
import type { StoreRepos } from '../store/ports.js';
import type { ActionArgs, DeskContext } from './context.js';
import { deskTransaction, type Tell } from './desk-transaction.js';
import { settleAutomaticStepsIn } from './complete-automatic-steps.js';
import { recordChange } from './record-change.js';
import { refuseProtected } from './refuse-protected.js';
import { requireIncident, requireService } from './require-incident.js';
import { durationMs, measure } from '../shared/input-bounds.js';

export const applyMitigationInput = z
  .object({
    service: z.string().min(1).max(100),
    kind: z.enum(MITIGATION_KINDS),
    target: z.string().min(1).max(200),
    reason: z.string().trim().min(1, 'say why').max(2000),
    /** Lifetime in milliseconds; omitted means until lifted. */
    forMs: durationMs().optional(),
    incidentId: z.string().min(1).max(40).optional(),
    /** Kind-specific values: the banner for maintenance, the new limit for a limit override, a token preview. */
    data: z.record(z.string().max(100), z.union([z.string().max(2000), measure(), z.boolean()])).optional(),
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
  await refuseProtected(ctx, { ...input, ...shownOf(input) });
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = input.incidentId ? await requireIncident(tx, input.incidentId) : undefined;
    return applyIn(tx, ctx, tell, input, incident);
  });
}

/**
 * The mitigation a rule applies by itself for an incident, at most once while one like it (same kind and
 * target) is in force for that incident. Several desks may handle signals of one attack at once; each holds
 * the incident's row while it looks and records, so the second sees the first's mitigation and applies
 * nothing. `applied` is false when an existing one was found (it is returned instead).
 */
export async function applyIncidentMitigationOnce({
  ctx,
  input,
}: ActionArgs<ApplyMitigationInput & { incidentId: string }>): Promise<{
  mitigation: Mitigation;
  applied: boolean;
}> {
  await refuseProtected(ctx, { ...input, ...shownOf(input) });
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await tx.incidents.get(input.incidentId, { lock: true });
    if (!incident) throw new RampartError('RAMPART_NOT_FOUND', `incident ${input.incidentId} not found`);
    const inForce = await tx.mitigations.list({
      incidentId: incident.id,
      inForceAt: ctx.clock.now().toISOString(),
    });
    const same = inForce.find((m) => m.kind === input.kind && m.target === input.target);
    if (same) return { mitigation: same, applied: false };
    return { mitigation: await applyIn(tx, ctx, tell, input, incident), applied: true };
  });
}

/** A revocation is named by its token's preview on the timeline, never by the hash. */
function shownOf(input: ApplyMitigationInput): { shown?: string } {
  const preview = input.data?.preview;
  return typeof preview === 'string' ? { shown: preview } : {};
}

async function applyIn(
  tx: StoreRepos,
  ctx: DeskContext,
  tell: Tell,
  input: ApplyMitigationInput,
  incident: Incident | undefined,
): Promise<Mitigation> {
  const policy = requireService(ctx, input.service);
  const now = ctx.clock.now();
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
    // The checklist's "decide mitigation" step, when it runs by itself, is done by the mitigation now in force.
    const { entries } = await settleAutomaticStepsIn(tx, {
      incidentId: incident.id,
      automatic: 'mitigation',
      outcome: 'done',
      note: `${created.kind} ${shownTarget(created)} applied by ${ctx.actor}${created.expiresAt ? ` until ${created.expiresAt}` : ''}`,
      at: now.toISOString(),
      actor: ctx.actor,
    });
    for (const entry of entries) await tell({ type: 'incident.changed', incident, entry });
  } else {
    await tx.audit.append({
      at: created.createdAt,
      actor: ctx.actor,
      action: 'mitigation.apply',
      target: created.id,
      details,
    });
  }
  await tell({ type: 'mitigation.applied', mitigation: created });
  return created;
}
