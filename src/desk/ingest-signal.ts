import { z } from 'zod';
import type { Incident } from '../domain/incident.js';
import { mergeScope } from '../domain/scope.js';
import type { TimelineEntry } from '../domain/timeline.js';
import type { ActionArgs } from './context.js';
import { openIncidentIn, scopeInput } from './open-incident.js';
import { recordChange } from './record-change.js';
import { requireService } from './require-incident.js';
import { resolveSeverity } from './resolve-severity.js';

/** Samples are kept small: a handful of events is evidence enough on the timeline; the snapshot holds the rest. */
const MAX_SAMPLES = 5;

export const signalInput = z
  .object({
    service: z.string().min(1).max(100),
    rule: z.string().min(1).max(200),
    fingerprint: z.string().min(1).max(300),
    title: z.string().trim().min(1).max(300),
    severity: z.string().min(1).max(50).optional(),
    type: z.string().min(1).max(100).optional(),
    groupKey: z.string().max(300).optional(),
    value: z.number().finite().optional(),
    threshold: z.number().finite().optional(),
    windowMs: z.number().int().nonnegative().optional(),
    at: z.iso.datetime().optional(),
    scope: scopeInput.optional(),
    samples: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
  })
  .strict();
export type SignalInput = z.infer<typeof signalInput>;

export interface IngestResult {
  incident: Incident;
  /** True when the signal joined an open incident with the same fingerprint. */
  joined: boolean;
}

function describe(input: SignalInput): string {
  const parts = [`signal ${input.rule}`];
  if (input.groupKey) parts.push(`for ${input.groupKey}`);
  if (input.value !== undefined)
    parts.push(
      `value ${input.value}${input.threshold !== undefined ? ` (threshold ${input.threshold})` : ''}`,
    );
  return parts.join(' ');
}

/**
 * A signal opens an incident, or joins the open one with the same fingerprint: its scope is merged in and, if
 * the signal is more severe, the severity is raised with the signal as the reason.
 */
export async function ingestSignal({ ctx, input }: ActionArgs<SignalInput>): Promise<IngestResult> {
  const policy = requireService(ctx, input.service);
  const signalLevel = resolveSeverity(policy, input.severity, input.type);
  const signalData = {
    rule: input.rule,
    fingerprint: input.fingerprint,
    groupKey: input.groupKey ?? null,
    value: input.value ?? null,
    threshold: input.threshold ?? null,
    windowMs: input.windowMs ?? null,
    at: input.at ?? ctx.clock.now().toISOString(),
    samples: (input.samples ?? []).slice(0, MAX_SAMPLES),
  };

  const result = await ctx.store.transaction(async (tx) => {
    const open = await tx.incidents.findOpenByFingerprint(policy.name, input.fingerprint);
    if (!open) {
      const incident = await openIncidentIn(tx, ctx, {
        service: policy.name,
        title: input.title,
        severity: signalLevel.name,
        fingerprint: input.fingerprint,
        ...(input.type ? { type: input.type } : {}),
        ...(input.scope ? { scope: input.scope } : {}),
      });
      const entry = await recordChange(tx, ctx, {
        incidentId: incident.id,
        kind: 'signal',
        summary: describe(input),
        data: signalData,
        action: 'signal.open',
      });
      return { incident, joined: false, entries: [entry] };
    }

    const entries: TimelineEntry[] = [];
    entries.push(
      await recordChange(tx, ctx, {
        incidentId: open.id,
        kind: 'signal',
        summary: describe(input),
        data: signalData,
        action: 'signal.join',
      }),
    );
    const { scope, added } = mergeScope(open.scope, input.scope ?? {});
    const raise = signalLevel.rank < open.severityRank;
    if (Object.keys(added).length > 0) {
      entries.push(
        await recordChange(tx, ctx, {
          incidentId: open.id,
          kind: 'scope',
          summary: 'scope widened',
          data: { added },
          action: 'incident.scope',
        }),
      );
    }
    if (raise) {
      entries.push(
        await recordChange(tx, ctx, {
          incidentId: open.id,
          kind: 'severity',
          summary: `severity raised ${open.severity} → ${signalLevel.name}: signal ${input.rule}`,
          data: { from: open.severity, to: signalLevel.name, reason: `signal ${input.rule}` },
          action: 'incident.severity',
        }),
      );
    }
    const updated = await tx.incidents.update(open.id, {
      scope,
      updatedAt: ctx.clock.now().toISOString(),
      ...(raise ? { severity: signalLevel.name, severityRank: signalLevel.rank } : {}),
    });
    return { incident: updated ?? open, joined: true, entries };
  });

  if (result.joined) {
    for (const entry of result.entries)
      ctx.events?.emit({ type: 'incident.changed', incident: result.incident, entry });
  } else {
    ctx.events?.emit({ type: 'incident.opened', incident: result.incident });
  }
  return { incident: result.incident, joined: result.joined };
}
