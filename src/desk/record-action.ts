import type { TimelineEntry } from '../domain/timeline.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

/**
 * Something Rampart did, weighed or held back for an incident — a blast radius, a mitigation held for a
 * responder, a suggested manual step — written on its timeline.
 */
export async function recordAction({
  ctx,
  input,
}: ActionArgs<{ id: string; summary: string; data?: Record<string, unknown> }>): Promise<TimelineEntry> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'action',
      summary: input.summary,
      data: input.data ?? {},
      action: 'incident.action',
    });
    await tell({ type: 'incident.changed', incident, entry });
    return entry;
  });
}
