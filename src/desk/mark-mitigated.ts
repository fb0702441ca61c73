import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import type { ActionArgs } from './context.js';
import { transition } from './transition.js';

export const markMitigatedInput = z
  .object({ id: z.string().min(1), note: z.string().max(2000).optional() })
  .strict();
export type MarkMitigatedInput = z.infer<typeof markMitigatedInput>;

export async function markMitigated({ ctx, input }: ActionArgs<MarkMitigatedInput>): Promise<Incident> {
  return transition(ctx, { id: input.id, to: 'mitigated', note: input.note, action: 'incident.mitigated' });
}
