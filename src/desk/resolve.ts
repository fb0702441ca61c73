import { z } from 'zod';
import { canTransition } from '../domain/incident-status.js';
import type { Incident } from '../domain/incident.js';
import type { Postmortem } from '../domain/postmortem.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident, requireService } from './require-incident.js';
import { transition } from './transition.js';
import { isAdmin, recordVerification, verificationFailed } from './verification-gate.js';
import { verifyIn } from './verify-incident.js';

export const resolveInput = z
  .object({
    id: z.string().min(1),
    note: z.string().max(2000).optional(),
    /** Resolves although verification fails; admins only, and the reason goes on the timeline. */
    override: z
      .object({ reason: z.string().trim().min(1, 'say why').max(2000) })
      .strict()
      .optional(),
  })
  .strict();
export type ResolveInput = z.infer<typeof resolveInput>;

/**
 * Resolves the incident once the playbook's verification passes (or an admin overrides it with a reason) and,
 * in the same transaction, opens its post-mortem with the playbook's due date. A refusal is on the timeline too.
 */
export async function resolveIncident({ ctx, input }: ActionArgs<ResolveInput>): Promise<Incident> {
  const current = await requireIncident(ctx.store, input.id);
  // A transition the lifecycle refuses anyway is reported as such, not as a verification failure.
  const report = canTransition(current.status, 'resolved')
    ? await verifyIn(ctx.store, ctx, current.id)
    : { ok: true, checks: [] };
  if (!report.ok && !input.override) {
    await deskTransaction(ctx, async (tx, tell) => {
      const entry = await recordVerification(tx, ctx, current.id, report, 'refused');
      await tell({ type: 'incident.changed', incident: current, entry });
    });
    throw verificationFailed(current.id, report);
  }
  if (!report.ok && !isAdmin(ctx)) {
    throw new RampartError('RAMPART_FORBIDDEN', 'only an admin can resolve past a failing verification');
  }
  return transition(ctx, {
    id: input.id,
    to: 'resolved',
    note: input.note,
    action: 'incident.resolve',
    after: async (tx, incident) => {
      if (report.checks.length > 0) {
        if (report.ok) await recordVerification(tx, ctx, incident.id, report, 'passed');
        else await recordVerification(tx, ctx, incident.id, report, 'overridden', input.override?.reason);
      }
      if (await tx.postmortems.get(incident.id)) return; // reopened and resolved again: keep the first one
      const policy = requireService(ctx, incident.service);
      const now = ctx.clock.now();
      const postmortem: Postmortem = {
        incidentId: incident.id,
        status: 'open',
        dueAt: new Date(now.getTime() + policy.postmortemDueMs).toISOString(),
        createdAt: now.toISOString(),
        publishedAt: null,
        sections: policy.postmortemSections.map((name) => ({ name, body: '' })),
        followUps: [],
      };
      await tx.postmortems.create(postmortem);
      await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'postmortem',
        summary: `post-mortem opened, due ${postmortem.dueAt}`,
        data: { dueAt: postmortem.dueAt, sections: policy.postmortemSections },
        action: 'postmortem.open',
      });
    },
  });
}
