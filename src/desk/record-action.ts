import type { TimelineEntry } from '../domain/timeline.js';
import type { ActionArgs } from './context.js';
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
  const result = await ctx.store.transaction(async (tx) => {
    const incident = await requireIncident(tx, input.id);
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'action',
      summary: input.summary,
      data: input.data ?? {},
      action: 'incident.action',
    });
    return { incident, entry };
  });
  ctx.events?.emit({ type: 'incident.changed', incident: result.incident, entry: result.entry });
  return result.entry;
}
