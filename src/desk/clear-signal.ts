import { z } from 'zod';
import { correlationKey } from '../domain/correlation-key.js';
import type { Incident } from '../domain/incident.js';
import type { StoreRepos } from '../store/ports.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';

export const clearSignalInput = z
  .object({
    service: z.string().min(1).max(100),
    rule: z.string().min(1).max(200),
    fingerprint: z.string().min(1).max(300),
    /** With the group key, finds the incident the way the signal joined it (domain/correlation-key.ts). */
    type: z.string().min(1).max(100).optional(),
    groupKey: z.string().max(300).optional(),
    correlate: z.string().max(300).optional(),
    note: z.string().max(2000).optional(),
    at: z.iso.datetime().optional(),
  })
  .strict();
export type ClearSignalInput = z.infer<typeof clearSignalInput>;

/**
 * The condition behind a signal has cleared (a rule's quiet period passed, an alert resolved). It goes on the
 * open incident's timeline as evidence for verification; it does not resolve the incident, which stays a
 * responder's call gated on the playbook's verification. Returns the incident, or undefined when none is open.
 *
 * Several desks may see one rule clear (each detector had part of the attack): the clear is written once per
 * episode — not when the newest entry of this rule and fingerprint is already a clear — decided while holding the
 * incident's row, so two desks clearing at once take turns and the second sees the first's entry.
 */
export async function clearSignal({
  ctx,
  input,
}: ActionArgs<ClearSignalInput>): Promise<Incident | undefined> {
  const policy = requireService(ctx, input.service);
  const key = correlationKey(input);
  return deskTransaction(ctx, async (tx, tell) => {
    const open = await tx.incidents.findOpenByKey(policy.name, key, { lock: true });
    if (!open) return undefined;
    if (await alreadyCleared(tx, open.id, input)) return open;
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
    await tell({ type: 'incident.changed', incident: open, entry });
    return open;
  });
}

/** Signal entries are a handful per episode, so the newest few always reach this rule's latest one. */
const SIGNAL_ENTRIES_LOOKED_AT = 200;

async function alreadyCleared(tx: StoreRepos, incidentId: string, input: ClearSignalInput): Promise<boolean> {
  const entries = await tx.timeline.list(incidentId, {
    kinds: ['signal'],
    newestFirst: true,
    limit: SIGNAL_ENTRIES_LOOKED_AT,
  });
  const latest = entries.find((e) => e.data.rule === input.rule && e.data.fingerprint === input.fingerprint);
  return latest?.data.cleared === true;
}
