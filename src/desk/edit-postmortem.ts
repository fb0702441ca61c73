import { z } from 'zod';
import type { Postmortem } from '../domain/postmortem.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

export const editPostmortemInput = z
  .object({
    id: z.string().min(1),
    /** Section name → its new Markdown text; only the sections named change. */
    sections: z
      .array(z.object({ name: z.string().min(1).max(200), body: z.string().max(100_000) }).strict())
      .min(1)
      .max(50),
    /** Follow-ups done or not done again, by id. */
    followUps: z
      .array(z.object({ id: z.string().min(1).max(40), done: z.boolean() }).strict())
      .max(200)
      .optional(),
  })
  .strict();
export type EditPostmortemInput = z.infer<typeof editPostmortemInput>;

/**
 * Writes the post-mortem's sections (the playbook's, in its order; a name not among them is refused so a typo
 * cannot add a stray section) and ticks follow-ups. The timeline says which sections changed, not their text.
 */
export async function editPostmortem({ ctx, input }: ActionArgs<EditPostmortemInput>): Promise<Postmortem> {
  const result = await ctx.store.transaction(async (tx) => {
    const incident = await requireIncident(tx, input.id);
    const postmortem = await tx.postmortems.get(incident.id);
    if (!postmortem) {
      throw new RampartError(
        'RAMPART_INVALID_TRANSITION',
        `${incident.id} has no post-mortem yet; resolve it first`,
      );
    }
    const known = new Set(postmortem.sections.map((s) => s.name));
    input.sections.forEach((section, i) => {
      if (!known.has(section.name)) {
        throw new RampartError(
          'RAMPART_VALIDATION',
          `body.sections.${i}.name: no section "${section.name}"`,
          [{ path: `body.sections.${i}.name`, message: `expected one of: ${[...known].join(', ')}` }],
        );
      }
    });
    const followIds = new Set(postmortem.followUps.map((f) => f.id));
    (input.followUps ?? []).forEach((f, i) => {
      if (!followIds.has(f.id)) {
        throw new RampartError('RAMPART_NOT_FOUND', `body.followUps.${i}.id: follow-up ${f.id} not found`);
      }
    });
    const bodies = new Map(input.sections.map((s) => [s.name, s.body]));
    const done = new Map((input.followUps ?? []).map((f) => [f.id, f.done]));
    const changed = postmortem.sections.filter((s) => bodies.has(s.name) && bodies.get(s.name) !== s.body);
    const ticked = postmortem.followUps.filter((f) => done.has(f.id) && done.get(f.id) !== f.done);
    const updated = await tx.postmortems.update({
      ...postmortem,
      sections: postmortem.sections.map((s) => ({ name: s.name, body: bodies.get(s.name) ?? s.body })),
      followUps: postmortem.followUps.map((f) => ({ ...f, done: done.get(f.id) ?? f.done })),
    });
    if (changed.length === 0 && ticked.length === 0) return { updated, entry: undefined, incident };
    const words = [
      ...(changed.length > 0 ? [`sections edited: ${changed.map((s) => s.name).join(', ')}`] : []),
      ...ticked.map((f) => `follow-up ${done.get(f.id) ? 'done' : 'reopened'}: ${f.title}`),
    ];
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'postmortem',
      summary: `post-mortem ${words.join('; ')}`,
      data: {
        sections: changed.map((s) => s.name),
        followUps: ticked.map((f) => ({ id: f.id, done: done.get(f.id) })),
      },
      action: 'postmortem.edit',
    });
    const touched = await tx.incidents.update(incident.id, { updatedAt: entry.at });
    return { updated, entry, incident: touched ?? incident };
  });
  if (result.entry)
    ctx.events?.emit({ type: 'incident.changed', incident: result.incident, entry: result.entry });
  return result.updated;
}
