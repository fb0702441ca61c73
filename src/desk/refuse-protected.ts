import { neverBlockConflict } from '../domain/never-block.js';
import type { MitigationKind } from '../domain/mitigation.js';
import { RampartError } from '../shared/errors.js';
import { canonicalAddress as canonical } from '../shared/net/index.js';
import type { DeskContext } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';

/**
 * The playbook's never_block, enforced on every way a mitigation is asked for (a rule, a responder, the API): a
 * mitigation that would touch a protected address, token or subject is not recorded. The refusal is — on the
 * incident's timeline when there is one, in the audit log otherwise — and the caller gets RAMPART_PROTECTED.
 */
export async function refuseProtected(
  ctx: DeskContext,
  input: { service: string; kind: MitigationKind; target: string; incidentId?: string | undefined; shown?: string },
): Promise<void> {
  const list = ctx.services.get(input.service)?.neverBlock;
  if (!list) return;
  // One address model: ::ffff:192.0.2.9 and 64:ff9b::c000:209 are 192.0.2.9 to the gateway, and so here.
  const target = input.kind === 'block' ? canonical(input.target) : input.target;
  const conflict = neverBlockConflict(list, input.kind, target);
  if (conflict === null) return;
  const shown = input.shown ?? input.target;
  const summary = `refused ${input.kind} ${shown}: never_block — ${conflict}`;
  const details = { kind: input.kind, target: shown, refused: 'never_block', why: conflict };
  await deskTransaction(ctx, async (tx, tell) => {
    const incident = input.incidentId ? await tx.incidents.get(input.incidentId) : undefined;
    if (incident) {
      const entry = await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'action',
        summary,
        data: details,
        action: 'mitigation.refused',
      });
      await tell({ type: 'incident.changed', incident, entry });
    } else {
      await tx.audit.append({
        at: ctx.clock.now().toISOString(),
        actor: ctx.actor,
        action: 'mitigation.refused',
        target: input.service,
        details,
      });
    }
  });
  throw new RampartError('RAMPART_PROTECTED', `${input.kind} ${shown} refused: never_block — ${conflict}`, [
    { path: 'target', message: conflict },
  ]);
}
