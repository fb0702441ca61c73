import { z } from 'zod';
import type { Mitigation } from '../domain/mitigation.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordMitigationChange } from './record-change.js';

export const liftMitigationInput = z
  .object({ id: z.string().min(1).max(60), reason: z.string().max(2000).optional() })
  .strict();
export type LiftMitigationInput = z.infer<typeof liftMitigationInput>;

/** Ends a mitigation before it expires; on its incident's timeline when it has one. */
export async function liftMitigation({ ctx, input }: ActionArgs<LiftMitigationInput>): Promise<Mitigation> {
  return deskTransaction(ctx, async (tx, tell) => {
    const existing = await tx.mitigations.get(input.id);
    if (!existing) throw new RampartError('RAMPART_NOT_FOUND', `mitigation ${input.id} not found`);
    const now = ctx.clock.now().toISOString();
    const done = await tx.mitigations.lift(existing.id, now, ctx.actor);
    if (!done) throw new RampartError('RAMPART_CONFLICT', `mitigation ${input.id} was already lifted`);
    const details = {
      mitigation: done.id,
      kind: done.kind,
      target: done.target,
      ...(input.reason ? { reason: input.reason } : {}),
    };
    await recordMitigationChange(tx, ctx, done, {
      summary: `lifted ${done.kind} ${done.target}${input.reason ? `: ${input.reason}` : ''}`,
      data: details,
      action: 'mitigation.lift',
    });
    await tell({ type: 'mitigation.lifted', mitigation: done });
    return done;
  });
}
