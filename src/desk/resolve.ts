import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import type { Postmortem } from '../domain/postmortem.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';
import { transition } from './transition.js';

export const resolveInput = z
  .object({ id: z.string().min(1), note: z.string().max(2000).optional() })
  .strict();
export type ResolveInput = z.infer<typeof resolveInput>;

/** Resolves the incident and, in the same transaction, opens its post-mortem with the playbook's due date. */
export async function resolveIncident({ ctx, input }: ActionArgs<ResolveInput>): Promise<Incident> {
  return transition(ctx, {
    id: input.id,
    to: 'resolved',
    note: input.note,
    action: 'incident.resolve',
    after: async (tx, incident) => {
      if (await tx.postmortems.get(incident.id)) return; // reopened and resolved again: keep the first one
      const policy = requireService(ctx, incident.service);
      const now = ctx.clock.now();
      const postmortem: Postmortem = {
        incidentId: incident.id,
        status: 'open',
        dueAt: new Date(now.getTime() + policy.postmortemDueMs).toISOString(),
        createdAt: now.toISOString(),
        publishedAt: null,
        sections: policy.postmortemSections.map((name) => ({ name, body: '' })),
        followUps: [],
      };
      await tx.postmortems.create(postmortem);
      await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'postmortem',
        summary: `post-mortem opened, due ${postmortem.dueAt}`,
        data: { dueAt: postmortem.dueAt, sections: policy.postmortemSections },
        action: 'postmortem.open',
      });
    },
  });
}
