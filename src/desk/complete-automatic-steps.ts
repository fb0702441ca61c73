import type { ChecklistItem } from '../domain/checklist.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

/**
 * Ticks the checklist steps that run by themselves (`automatic: evidence-snapshot`, `scope`, …) once the
 * thing they stand for has happened, saying so on the timeline with whether it beat its time box.
 */
export async function completeAutomaticSteps({
  ctx,
  input,
}: ActionArgs<{ id: string; automatic: string; note: string }>): Promise<ChecklistItem[]> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const now = ctx.clock.now();
    const done: ChecklistItem[] = [];
    for (const item of await tx.checklist.list(incident.id)) {
      if (item.automatic !== input.automatic || item.status !== 'pending') continue;
      // Only while still pending: another desk handling the same attack may have ticked it a moment ago.
      const updated = await tx.checklist.setStatus(
        incident.id,
        item.stepId,
        { status: 'done', completedAt: now.toISOString(), completedBy: ctx.actor, note: input.note },
        'pending',
      );
      if (!updated) continue;
      const late = now.getTime() > Date.parse(item.deadline);
      const entry = await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'checklist',
        summary: `${item.title}: done by itself${late ? ' (after its time box)' : ''} — ${input.note}`,
        data: { step: item.stepId, phase: item.phase, status: 'done', automatic: input.automatic, late },
        action: 'checklist.automatic',
      });
      await tell({ type: 'incident.changed', incident, entry });
      done.push(updated);
    }
    return done;
  });
}
