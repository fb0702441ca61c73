import type { ChecklistItem } from '../domain/checklist.js';
import type { TimelineEntry } from '../domain/timeline.js';
import type { StoreRepos } from '../store/ports.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { requireIncident } from './require-incident.js';

/**
 * What became of the thing an automatic step stands for: it happened (`done`), it was tried and did not
 * (`failed`), it was not applicable (`skipped`), or it waits for a person (`held`: the step stays pending, its
 * note says who must do what, e.g. approve a mitigation over the blast-radius cap).
 */
export type AutomaticOutcome = 'done' | 'failed' | 'skipped' | 'held';

export interface SettleStepsInput {
  incidentId: string;
  /** The checklist's `automatic:` name: availability-check, evidence-snapshot, scope, severity, notify, mitigation. */
  automatic: string;
  outcome: AutomaticOutcome;
  note: string;
  at: string;
  actor: string;
  /**
   * A step already marked failed that this `done` may still settle: the page that did get through after a
   * channel failed (the notify step).
   */
  overridesFailed?: boolean;
}

const PHRASE: Record<AutomaticOutcome, string> = {
  done: 'done by itself',
  failed: 'failed',
  skipped: 'skipped',
  held: 'held for a person',
};

/**
 * Settles the still-pending steps of one automatic kind inside the caller's transaction, each with a timeline
 * entry saying what did it and whether it beat its time box. Only pending steps move: a step a person or
 * another desk already settled stays as it is (the conditional UPDATE decides between two desks). A held step
 * stays pending and is noted once per distinct note.
 */
export async function settleAutomaticStepsIn(
  tx: StoreRepos,
  input: SettleStepsInput,
): Promise<{ items: ChecklistItem[]; entries: TimelineEntry[] }> {
  const items: ChecklistItem[] = [];
  const entries: TimelineEntry[] = [];
  const note = input.note.slice(0, 2000);
  for (const item of await tx.checklist.list(input.incidentId)) {
    if (item.automatic !== input.automatic) continue;
    const from =
      item.status === 'failed' && input.outcome === 'done' && input.overridesFailed === true
        ? 'failed'
        : 'pending';
    if (item.status !== from) continue;
    if (input.outcome === 'held' && item.note === note) continue;
    const outcome = input.outcome;
    const held = outcome === 'held';
    const updated = await tx.checklist.setStatus(
      input.incidentId,
      item.stepId,
      {
        status: outcome === 'held' ? 'pending' : outcome,
        completedAt: held ? null : input.at,
        completedBy: held ? null : input.actor,
        note,
      },
      from,
    );
    if (!updated) continue;
    const late = !held && Date.parse(input.at) > Date.parse(item.deadline);
    const data = {
      step: item.stepId,
      phase: item.phase,
      status: updated.status,
      automatic: input.automatic,
      outcome: input.outcome,
      late,
    };
    const summary = `${item.title}: ${PHRASE[input.outcome]}${late ? ' (after its time box)' : ''} — ${note}`;
    entries.push(
      await tx.timeline.append({
        incidentId: input.incidentId,
        at: input.at,
        actor: input.actor,
        kind: 'checklist',
        summary,
        data,
      }),
    );
    await tx.audit.append({
      at: input.at,
      actor: input.actor,
      action: 'checklist.automatic',
      target: input.incidentId,
      details: data,
    });
    items.push(updated);
  }
  return { items, entries };
}

/**
 * Settles the checklist steps that run by themselves (`automatic: evidence-snapshot`, `scope`, …) once the
 * thing they stand for has happened (or failed, or waits for a person), saying so on the timeline.
 */
export async function completeAutomaticSteps({
  ctx,
  input,
}: ActionArgs<{ id: string; automatic: string; note: string; outcome?: AutomaticOutcome }>): Promise<
  ChecklistItem[]
> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const { items, entries } = await settleAutomaticStepsIn(tx, {
      incidentId: incident.id,
      automatic: input.automatic,
      outcome: input.outcome ?? 'done',
      note: input.note,
      at: ctx.clock.now().toISOString(),
      actor: ctx.actor,
    });
    for (const entry of entries) await tell({ type: 'incident.changed', incident, entry });
    return items;
  });
}
