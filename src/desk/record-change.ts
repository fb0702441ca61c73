import type { Mitigation } from '../domain/mitigation.js';
import type { TimelineEntry, TimelineKind } from '../domain/timeline.js';
import type { StoreRepos } from '../store/ports.js';
import type { DeskContext } from './context.js';

export interface Change {
  incidentId: string;
  kind: TimelineKind;
  summary: string;
  data?: Record<string, unknown>;
  /** Audit action name, e.g. "incident.acknowledge". */
  action: string;
}

/** Writes the timeline entry and the audit row together, inside the caller's transaction. */
export async function recordChange(tx: StoreRepos, ctx: DeskContext, change: Change): Promise<TimelineEntry> {
  const at = ctx.clock.now().toISOString();
  const data = change.data ?? {};
  const entry = await tx.timeline.append({
    incidentId: change.incidentId,
    at,
    actor: ctx.actor,
    kind: change.kind,
    summary: change.summary,
    data,
  });
  await tx.audit.append({
    at,
    actor: ctx.actor,
    action: change.action,
    target: change.incidentId,
    details: data,
  });
  return entry;
}

/**
 * A change to a mitigation: on its incident's timeline (with the audit row) when it has an incident, else an
 * audit row on the mitigation alone. Returns the timeline entry, if one was written.
 */
export async function recordMitigationChange(
  tx: StoreRepos,
  ctx: DeskContext,
  mitigation: Mitigation,
  change: { summary: string; data: Record<string, unknown>; action: string },
): Promise<TimelineEntry | undefined> {
  if (mitigation.incidentId !== null)
    return recordChange(tx, ctx, { incidentId: mitigation.incidentId, kind: 'mitigation', ...change });
  await tx.audit.append({
    at: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    action: change.action,
    target: mitigation.id,
    details: change.data,
  });
  return undefined;
}
