import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident, requireService } from './require-incident.js';
import { resolveSeverity } from './resolve-severity.js';

export const changeSeverityInput = z
  .object({
    id: z.string().min(1),
    severity: z.string().min(1).max(50),
    reason: z.string().trim().min(1, 'a severity change needs a reason').max(2000),
  })
  .strict();
export type ChangeSeverityInput = z.infer<typeof changeSeverityInput>;

/** Re-classifies an incident. The reason is required and goes on the timeline with the old and new level. */
export async function changeSeverity({ ctx, input }: ActionArgs<ChangeSeverityInput>): Promise<Incident> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    if (incident.status === 'closed') {
      throw new RampartError('RAMPART_INVALID_TRANSITION', `${incident.id} is closed; its severity is final`);
    }
    const level = resolveSeverity(requireService(ctx, incident.service), input.severity);
    if (level.name === incident.severity) {
      throw new RampartError('RAMPART_CONFLICT', `${incident.id} is already ${level.name}`);
    }
    const updated = await tx.incidents.update(
      incident.id,
      { severity: level.name, severityRank: level.rank, updatedAt: ctx.clock.now().toISOString() },
      incident.status,
    );
    if (!updated)
      throw new RampartError('RAMPART_CONFLICT', `${incident.id} changed while you were acting on it`);
    const direction = level.rank < incident.severityRank ? 'raised' : 'lowered';
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'severity',
      summary: `severity ${direction} ${incident.severity} → ${level.name}: ${input.reason}`,
      data: { from: incident.severity, to: level.name, reason: input.reason },
      action: 'incident.severity',
    });
    await tell({ type: 'incident.changed', incident: updated, entry });
    return updated;
  });
}
