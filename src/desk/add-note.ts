import { z } from 'zod';
import type { TimelineEntry } from '../domain/timeline.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

export const addNoteInput = z
  .object({ id: z.string().min(1), text: z.string().trim().min(1).max(10_000) })
  .strict();
export type AddNoteInput = z.infer<typeof addNoteInput>;

export async function addNote({ ctx, input }: ActionArgs<AddNoteInput>): Promise<TimelineEntry> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'note',
      summary: input.text,
      action: 'incident.note',
    });
    const updated = await tx.incidents.update(incident.id, { updatedAt: entry.at });
    await tell({ type: 'incident.changed', incident: updated ?? incident, entry });
    return entry;
  });
}
