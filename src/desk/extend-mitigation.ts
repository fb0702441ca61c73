import { z } from 'zod';
import { isInForce, shownTarget, type Mitigation } from '../domain/mitigation.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { recordChange } from './record-change.js';
import { durationMs } from '../shared/input-bounds.js';

/** The longest one extension may reach from now: a week, as the CLI's --for allows. */
const MAX_EXTENSION_MS = 7 * 24 * 3_600_000;

export const extendMitigationInput = z
  .object({
    id: z.string().min(1).max(60),
    /** New expiry, counted from now. */
    forMs: durationMs(MAX_EXTENSION_MS),
    reason: z.string().trim().min(1, 'say why').max(2000),
  })
  .strict();
export type ExtendMitigationInput = z.infer<typeof extendMitigationInput>;

/**
 * Moves a temporary mitigation's expiry to `forMs` from now: the attack goes on, so the block stays. Written on
 * the incident's timeline (or the audit log alone), and handed to the gateways like a new application.
 */
export async function extendMitigation({
  ctx,
  input,
}: ActionArgs<ExtendMitigationInput>): Promise<Mitigation> {
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.forMs).toISOString();
  const result = await ctx.store.transaction(async (tx) => {
    const existing = await tx.mitigations.get(input.id);
    if (!existing) throw new RampartError('RAMPART_NOT_FOUND', `mitigation ${input.id} not found`);
    if (!isInForce(existing, now))
      throw new RampartError(
        'RAMPART_CONFLICT',
        `mitigation ${input.id} is no longer in force; apply a new one`,
      );
    const extended = await tx.mitigations.extend(existing.id, expiresAt);
    if (!extended) throw new RampartError('RAMPART_CONFLICT', `mitigation ${input.id} was lifted or expired meanwhile`);
    const details = {
      mitigation: extended.id,
      kind: extended.kind,
      target: shownTarget(extended),
      from: existing.expiresAt,
      until: expiresAt,
      reason: input.reason,
    };
    if (extended.incidentId === null) {
      await tx.audit.append({
        at: now.toISOString(),
        actor: ctx.actor,
        action: 'mitigation.extend',
        target: extended.id,
        details,
      });
      return { extended, entry: undefined, incident: undefined };
    }
    const entry = await recordChange(tx, ctx, {
      incidentId: extended.incidentId,
      kind: 'mitigation',
      summary: `extended ${extended.kind} ${shownTarget(extended)} until ${expiresAt}: ${input.reason}`,
      data: details,
      action: 'mitigation.extend',
    });
    const incident = await tx.incidents.update(extended.incidentId, { updatedAt: entry.at });
    return { extended, entry, incident };
  });
  ctx.events?.emit({ type: 'mitigation.applied', mitigation: result.extended });
  if (result.incident && result.entry)
    ctx.events?.emit({ type: 'incident.changed', incident: result.incident, entry: result.entry });
  return result.extended;
}
