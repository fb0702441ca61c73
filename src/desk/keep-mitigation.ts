import { z } from 'zod';
import { isInForce, type Mitigation } from '../domain/mitigation.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';

export const keepMitigationInput = z
  .object({ id: z.string().min(1).max(60), reason: z.string().trim().min(1, 'say why').max(2000) })
  .strict();
export type KeepMitigationInput = z.infer<typeof keepMitigationInput>;

/**
 * Says on the incident's timeline that a mitigation stays in force on purpose after the incident (a block on
 * a known-bad range), so the "mitigations lifted" verification step does not wait for it.
 */
export async function keepMitigation({ ctx, input }: ActionArgs<KeepMitigationInput>): Promise<Mitigation> {
  return deskTransaction(ctx, async (tx, tell) => {
    const mitigation = await tx.mitigations.get(input.id);
    if (!mitigation) throw new RampartError('RAMPART_NOT_FOUND', `mitigation ${input.id} not found`);
    if (mitigation.incidentId === null)
      throw new RampartError('RAMPART_VALIDATION', `mitigation ${input.id} belongs to no incident`, [
        { path: 'id', message: 'only a mitigation linked to an incident can be kept past it' },
      ]);
    if (!isInForce(mitigation, ctx.clock.now()))
      throw new RampartError('RAMPART_CONFLICT', `mitigation ${input.id} is no longer in force`);
    const entry = await recordChange(tx, ctx, {
      incidentId: mitigation.incidentId,
      kind: 'mitigation',
      summary: `keep ${mitigation.kind} ${mitigation.target} after the incident: ${input.reason}`,
      data: {
        mitigation: mitigation.id,
        kind: mitigation.kind,
        target: mitigation.target,
        kept: true,
        reason: input.reason,
      },
      action: 'mitigation.keep',
    });
    const incident = await tx.incidents.update(mitigation.incidentId, { updatedAt: entry.at });
    if (incident) await tell({ type: 'incident.changed', incident, entry });
    return mitigation;
  });
}
