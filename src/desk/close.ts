import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import type { ActionArgs } from './context.js';
import { transition } from './transition.js';

export const closeInput = z.object({ id: z.string().min(1), note: z.string().max(2000).optional() }).strict();
export type CloseInput = z.infer<typeof closeInput>;

/** Only a resolved incident can be closed; the lifecycle refuses anything else. */
export async function closeIncident({ ctx, input }: ActionArgs<CloseInput>): Promise<Incident> {
  return transition(ctx, { id: input.id, to: 'closed', note: input.note, action: 'incident.close' });
}
