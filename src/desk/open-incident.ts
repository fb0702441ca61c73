import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import { planChecklist } from '../domain/checklist.js';
import { emptyScope, mergeScope } from '../domain/scope.js';
import type { StoreRepos } from '../store/ports.js';
import type { ActionArgs, DeskContext } from './context.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';
import { resolveSeverity } from './resolve-severity.js';

export const scopeInput = z
  .object({
    tenants: z.array(z.string().min(1).max(200)).max(500),
    events: z.array(z.string().min(1).max(200)).max(500),
    ips: z.array(z.string().min(1).max(64)).max(500),
    tokenPreviews: z.array(z.string().min(1).max(16)).max(500),
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

/** Opens an incident inside an existing transaction (also used when a signal opens one). */
export async function openIncidentIn(
  tx: StoreRepos,
  ctx: DeskContext,
  input: OpenIncidentInput,
): Promise<Incident> {
  const policy = requireService(ctx, input.service);
  const severity = resolveSeverity(policy, input.severity, input.type);
  const now = ctx.clock.now();
  const incident = await tx.incidents.create({
    title: input.title,
    service: policy.name,
    severity: severity.name,
    severityRank: severity.rank,
    status: 'triggered',
    fingerprint: input.fingerprint ?? null,
    type: input.type ?? null,
    commander: input.commander ?? null,
    scope: mergeScope(emptyScope(), input.scope ?? {}).scope,
    createdAt: now.toISOString(),
  });
  await recordChange(tx, ctx, {
    incidentId: incident.id,
    kind: 'created',
    summary: `${severity.name} opened: ${incident.title}`,
    data: {
      service: incident.service,
      severity: severity.name,
      type: incident.type,
      fingerprint: incident.fingerprint,
    },
    action: 'incident.open',
  });
  const checklist = planChecklist(incident.id, now, policy.checklist);
  if (checklist.length > 0) await tx.checklist.insertMany(checklist);
  return incident;
}

export async function openIncident({ ctx, input }: ActionArgs<OpenIncidentInput>): Promise<Incident> {
  const incident = await ctx.store.transaction((tx) => openIncidentIn(tx, ctx, input));
  ctx.events?.emit({ type: 'incident.opened', incident });
  return incident;
}
