import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import type { ActionArgs } from './context.js';
import { transition } from './transition.js';

export const acknowledgeInput = z
  .object({
    id: z.string().min(1),
    commander: z.string().min(1).max(100).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();
export type AcknowledgeInput = z.infer<typeof acknowledgeInput>;

/** The responder takes it: triggered → acknowledged, and becomes commander unless someone else is named. */
export async function acknowledge({ ctx, input }: ActionArgs<AcknowledgeInput>): Promise<Incident> {
  const commander = input.commander ?? ctx.actor;
  return transition(ctx, {
    id: input.id,
    to: 'acknowledged',
    note: input.note ?? `commander ${commander}`,
    patch: { commander },
    action: 'incident.acknowledge',
  });
}
