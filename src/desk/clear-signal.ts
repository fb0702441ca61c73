import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';

export const clearSignalInput = z
  .object({
    service: z.string().min(1).max(100),
    rule: z.string().min(1).max(200),
    fingerprint: z.string().min(1).max(300),
    note: z.string().max(2000).optional(),
    at: z.iso.datetime().optional(),
  })
  .strict();
export type ClearSignalInput = z.infer<typeof clearSignalInput>;

/**
 * The condition behind a signal has cleared (a rule's quiet period passed, an alert resolved). It goes on the
 * open incident's timeline as evidence for verification; it does not resolve the incident, which stays a
 * responder's call gated on the playbook's verification. Returns the incident, or undefined when none is open.
 */
export async function clearSignal({
  ctx,
  input,
}: ActionArgs<ClearSignalInput>): Promise<Incident | undefined> {
  const policy = requireService(ctx, input.service);
  const result = await ctx.store.transaction(async (tx) => {
    const open = await tx.incidents.findOpenByFingerprint(policy.name, input.fingerprint);
    if (!open) return undefined;
    const entry = await recordChange(tx, ctx, {
      incidentId: open.id,
      kind: 'signal',
      summary: `${input.rule} clear${input.note ? `: ${input.note}` : ''}`,
      data: {
        rule: input.rule,
        fingerprint: input.fingerprint,
        cleared: true,
        at: input.at ?? ctx.clock.now().toISOString(),
      },
      action: 'signal.clear',
    });
    return { incident: open, entry };
  });
  if (result) ctx.events?.emit({ type: 'incident.changed', incident: result.incident, entry: result.entry });
  return result?.incident;
}
