import { z } from 'zod';
import type { TimelineEntry } from '../domain/timeline.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

export const addNoteInput = z
  .object({ id: z.string().min(1), text: z.string().trim().min(1).max(10_000) })
  .strict();
export type AddNoteInput = z.infer<typeof addNoteInput>;

export async function addNote({ ctx, input }: ActionArgs<AddNoteInput>): Promise<TimelineEntry> {
  const result = await ctx.store.transaction(async (tx) => {
    const incident = await requireIncident(tx, input.id);
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'note',
      summary: input.text,
      action: 'incident.note',
    });
    const updated = await tx.incidents.update(incident.id, { updatedAt: entry.at });
    return { entry, incident: updated ?? incident };
  });
  ctx.events?.emit({ type: 'incident.changed', incident: result.incident, entry: result.entry });
  return result.entry;
}
