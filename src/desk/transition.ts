import type { Incident } from '../domain/incident.js';
import { allowedTransitions, canTransition, type IncidentStatus } from '../domain/incident-status.js';
import { RampartError } from '../shared/errors.js';
import type { IncidentPatch, StoreRepos } from '../store/ports.js';
import type { DeskContext } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

const STAMP: Partial<Record<IncidentStatus, keyof IncidentPatch>> = {
  acknowledged: 'acknowledgedAt',
  mitigated: 'mitigatedAt',
  resolved: 'resolvedAt',
  closed: 'closedAt',
};

export interface TransitionInput {
  id: string;
  to: IncidentStatus;
  note?: string | undefined;
  /** Extra fields to change in the same update (e.g. the commander on acknowledge). */
  patch?: Omit<IncidentPatch, 'updatedAt' | 'status'>;
  action: string;
  /** Runs inside the same transaction after the status change (e.g. opening the post-mortem). */
  after?: (tx: StoreRepos, incident: Incident) => Promise<void>;
}

/** Moves an incident along its lifecycle, refusing transitions the lifecycle does not allow. */
export async function transition(ctx: DeskContext, input: TransitionInput): Promise<Incident> {
  return deskTransaction(ctx, async (tx, tell) => {
    const current = await requireIncident(tx, input.id);
    if (!canTransition(current.status, input.to)) {
      const allowed = allowedTransitions(current.status);
      throw new RampartError(
        'RAMPART_INVALID_TRANSITION',
        `${current.id} is ${current.status}; it cannot become ${input.to} (allowed: ${allowed.join(', ') || 'none'})`,
      );
    }
    const now = ctx.clock.now().toISOString();
    const patch: IncidentPatch = { ...input.patch, status: input.to, updatedAt: now };
    const stamp = STAMP[input.to];
    if (stamp) Object.assign(patch, { [stamp]: now });
    let keyTaken: Incident | undefined;
    if (input.to === 'acknowledged' && current.status === 'resolved') {
      patch.resolvedAt = null;
      // Reopening: if the attack has a new open incident by now, that one keeps taking its signals (one open
      // incident per key, the database's unique index); this one reopens without the key.
      if (current.correlationKey !== null) {
        keyTaken = await tx.incidents.findOpenByKey(current.service, current.correlationKey);
        if (keyTaken) patch.correlationKey = null;
      }
    }
    const updated = await tx.incidents.update(current.id, patch, current.status);
    if (!updated) {
      throw new RampartError(
        'RAMPART_CONFLICT',
        `${current.id} changed while you were acting on it; reload and retry`,
      );
    }
    const taken = keyTaken ? ` (new signals keep joining ${keyTaken.id}, open for the same attack)` : '';
    const summary = `${current.status} → ${input.to}${input.note ? `: ${input.note}` : ''}${taken}`;
    const entry = await recordChange(tx, ctx, {
      incidentId: current.id,
      kind: 'status',
      summary,
      data: { from: current.status, to: input.to, ...(input.note ? { note: input.note } : {}) },
      action: input.action,
    });
    if (input.after) await input.after(tx, updated);
    await tell({ type: 'incident.changed', incident: updated, entry });
    return updated;
  });
}
