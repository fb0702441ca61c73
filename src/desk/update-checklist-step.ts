import { z } from 'zod';
import type { ChecklistItem } from '../domain/checklist.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

export const updateChecklistStepInput = z
  .object({
    id: z.string().min(1),
    step: z.string().min(1).max(100),
    status: z.enum(['done', 'skipped', 'failed', 'pending']),
    note: z.string().max(2000).optional(),
  })
  .strict();
export type UpdateChecklistStepInput = z.infer<typeof updateChecklistStepInput>;

/** Ticks (or re-opens) one checklist step; whether it beat its time box goes on the timeline. */
export async function updateChecklistStep({
  ctx,
  input,
}: ActionArgs<UpdateChecklistStepInput>): Promise<ChecklistItem> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const item = await tx.checklist.get(incident.id, input.step);
    if (!item)
      throw new RampartError(
        'RAMPART_NOT_FOUND',
        `checklist step "${input.step}" not found on ${incident.id}`,
      );
    const now = ctx.clock.now();
    const finished = input.status !== 'pending';
    const updated = await tx.checklist.setStatus(incident.id, item.stepId, {
      status: input.status,
      completedAt: finished ? now.toISOString() : null,
      completedBy: finished ? ctx.actor : null,
      note: input.note ?? null,
    });
    if (!updated) throw new RampartError('RAMPART_NOT_FOUND', `checklist step "${input.step}" not found`);
    const late = finished && now.getTime() > Date.parse(item.deadline);
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'checklist',
      summary: `${item.title}: ${input.status}${late ? ' (after its time box)' : ''}${input.note ? ` — ${input.note}` : ''}`,
      data: { step: item.stepId, phase: item.phase, status: input.status, deadline: item.deadline, late },
      action: 'checklist.update',
    });
    const touched = await tx.incidents.update(incident.id, { updatedAt: entry.at });
    await tell({ type: 'incident.changed', incident: touched ?? incident, entry });
    return updated;
  });
}
