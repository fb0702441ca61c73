import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Postmortem } from '../domain/postmortem.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

export const addFollowUpInput = z
  .object({
    id: z.string().min(1),
    title: z.string().trim().min(1).max(500),
    owner: z.string().min(1).max(100).optional(),
  })
  .strict();
export type AddFollowUpInput = z.infer<typeof addFollowUpInput>;

/** Adds a follow-up task with an owner to the incident's post-mortem. */
export async function addFollowUp({ ctx, input }: ActionArgs<AddFollowUpInput>): Promise<Postmortem> {
  return ctx.store.transaction(async (tx) => {
    const incident = await requireIncident(tx, input.id);
    const postmortem = await tx.postmortems.get(incident.id);
    if (!postmortem) {
      throw new RampartError(
        'RAMPART_INVALID_TRANSITION',
        `${incident.id} has no post-mortem yet; resolve it first`,
      );
    }
    const followUp = {
      id: randomUUID().slice(0, 8),
      title: input.title,
      owner: input.owner ?? null,
      done: false,
    };
    const updated = await tx.postmortems.update({
      ...postmortem,
      followUps: [...postmortem.followUps, followUp],
    });
    await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'postmortem',
      summary: `follow-up added: ${followUp.title}${followUp.owner ? ` (owner ${followUp.owner})` : ''}`,
      data: { followUp },
      action: 'postmortem.follow-up',
    });
    return updated;
  });
}
