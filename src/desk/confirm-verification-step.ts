import { z } from 'zod';
import type { TimelineEntry } from '../domain/timeline.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident, requireService } from './require-incident.js';

export const confirmVerificationStepInput = z
  .object({
    id: z.string().min(1),
    /** The step's name (any case) or its 1-based position in the playbook's verification. */
    step: z.string().trim().min(1).max(300),
    note: z.string().max(2000).optional(),
  })
  .strict();
export type ConfirmVerificationStepInput = z.infer<typeof confirmVerificationStepInput>;

/** A responder confirms a manual verification step ("Validate join-token creation/revocation via Filament"). */
export async function confirmVerificationStep({
  ctx,
  input,
}: ActionArgs<ConfirmVerificationStepInput>): Promise<TimelineEntry> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const steps = requireService(ctx, incident.service).verification ?? [];
    const position = /^\d+$/.test(input.step) ? Number(input.step) : undefined;
    const step =
      position !== undefined
        ? steps[position - 1]
        : steps.find((s) => s.name.toLowerCase() === input.step.toLowerCase());
    if (!step) {
      const names = steps.map((s, i) => `${i + 1}. ${s.name}`).join('; ');
      throw new RampartError(
        'RAMPART_NOT_FOUND',
        `verification step "${input.step}" not found on ${incident.service}`,
        [
          {
            path: 'step',
            message: names ? `expected one of: ${names}` : 'the playbook has no verification steps',
          },
        ],
      );
    }
    if (step.check !== 'manual')
      throw new RampartError(
        'RAMPART_VALIDATION',
        `"${step.name}" is checked by Rampart (${step.check}), not confirmed by hand`,
        [{ path: 'step', message: 'only manual steps are confirmed' }],
      );
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'verification',
      summary: `confirmed: ${step.name}${input.note ? ` — ${input.note}` : ''}`,
      data: { step: step.name, confirmed: true, ...(input.note ? { note: input.note } : {}) },
      action: 'verification.confirm',
    });
    const touched = await tx.incidents.update(incident.id, { updatedAt: entry.at });
    await tell({ type: 'incident.changed', incident: touched ?? incident, entry });
    return entry;
  });
}
