import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import { planChecklist } from '../domain/checklist.js';
import { emptyScope, mergeScope } from '../domain/scope.js';
import type { StoreRepos } from '../store/ports.js';
import { correlationKey } from '../domain/correlation-key.js';
import { RampartError } from '../shared/errors.js';
import type { ActionArgs, DeskContext } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { settleAutomaticStepsIn } from './complete-automatic-steps.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';
import { resolveSeverity } from './resolve-severity.js';

export const scopeInput = z
  .object({
    tenants: z.array(z.string().min(1).max(200)).max(500),
    events: z.array(z.string().min(1).max(200)).max(500),
    ips: z.array(z.string().min(1).max(64)).max(500),
    tokenPreviews: z.array(z.string().min(1).max(16)).max(500),
    /** Keyed hashes of the tokens (what counts them); never a token itself. */
    tokens: z.array(z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'a keyed token hash')).max(500),
  })
  .partial()
  .strict();

export const openIncidentInput = z
  .object({
    service: z.string().min(1).max(100),
    title: z.string().trim().min(1).max(300),
    severity: z.string().min(1).max(50).optional(),
    type: z.string().min(1).max(100).optional(),
    fingerprint: z.string().min(1).max(300).optional(),
    commander: z.string().min(1).max(100).optional(),
    scope: scopeInput.optional(),
  })
  .strict();
export type OpenIncidentInput = z.infer<typeof openIncidentInput>;

/**
 * Opens an incident inside an existing transaction (also used when a signal opens one). An incident with a
 * fingerprint takes the correlation key (domain/correlation-key.ts) that signals will look it up by; undefined
 * when an open incident of the service already holds that key — the database decides, so of two desks opening
 * one incident at once exactly one succeeds and the other joins.
 */
export async function openIncidentIn(
  tx: StoreRepos,
  ctx: DeskContext,
  input: OpenIncidentInput & { groupKey?: string | undefined; correlate?: string | undefined },
): Promise<Incident | undefined> {
  const policy = requireService(ctx, input.service);
  const severity = resolveSeverity(policy, input.severity, input.type);
  const now = ctx.clock.now();
  const key =
    input.fingerprint === undefined
      ? null
      : correlationKey({
          fingerprint: input.fingerprint,
          type: input.type,
          groupKey: input.groupKey,
          correlate: input.correlate,
        });
  const incident = await tx.incidents.createUnlessKeyTaken({
    title: input.title,
    service: policy.name,
    severity: severity.name,
    severityRank: severity.rank,
    status: 'triggered',
    fingerprint: input.fingerprint ?? null,
    correlationKey: key,
    type: input.type ?? null,
    commander: input.commander ?? null,
    scope: mergeScope(emptyScope(), input.scope ?? {}).scope,
    createdAt: now.toISOString(),
  });
  if (!incident) return undefined;
  await recordChange(tx, ctx, {
    incidentId: incident.id,
    kind: 'created',
    summary: `${severity.name} opened: ${incident.title}`,
    data: {
      service: incident.service,
      severity: severity.name,
      type: incident.type,
      fingerprint: incident.fingerprint,
      correlationKey: incident.correlationKey,
    },
    action: 'incident.open',
  });
  const checklist = planChecklist(incident.id, now, policy.checklist);
  if (checklist.length > 0) {
    await tx.checklist.insertMany(checklist);
    // The severity is classified the moment the incident exists: by the signal's rule, the incident type's
    // level or the playbook default (resolve-severity.ts), or by the person who opened it.
    const source =
      input.severity !== undefined
        ? `named by ${ctx.actor}`
        : input.type !== undefined
          ? `the level of incident type ${input.type}`
          : "the playbook's default";
    await settleAutomaticStepsIn(tx, {
      incidentId: incident.id,
      automatic: 'severity',
      outcome: 'done',
      note: `${severity.name}, ${source}`,
      at: now.toISOString(),
      actor: ctx.actor,
    });
  }
  return incident;
}

/** A responder opens an incident by hand; with a fingerprint already open, that incident is named instead. */
export async function openIncident({ ctx, input }: ActionArgs<OpenIncidentInput>): Promise<Incident> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await openIncidentIn(tx, ctx, input);
    if (!incident) {
      const key = correlationKey({ fingerprint: input.fingerprint ?? '', type: input.type });
      const open = await tx.incidents.findOpenByKey(requireService(ctx, input.service).name, key);
      throw new RampartError(
        'RAMPART_CONFLICT',
        `${open?.id ?? 'an incident'} is already open for fingerprint ${input.fingerprint ?? ''}; add to it instead`,
        [{ path: 'fingerprint', message: 'already open' }],
      );
    }
    await tell({ type: 'incident.opened', incident });
    return incident;
  });
}
