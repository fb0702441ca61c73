import { recordAction, type DeskContext } from '../desk/index.js';
import type { EnforcementPointKind } from '../domain/enforcement.js';
import { shownTarget, type Mitigation } from '../domain/mitigation.js';

export interface PointRef {
  kind: EnforcementPointKind;
  name: string;
}

/** On the incident's timeline when the mitigation has one; a timeline write never undoes the acknowledgement. */
async function onTimeline(ctx: DeskContext, m: Mitigation, summary: string, data: Record<string, unknown>) {
  if (!m.incidentId) return;
  await recordAction({ ctx, input: { id: m.incidentId, summary, data: { mitigation: m.id, ...data } } });
}

/**
 * A point says it has the mitigation. The first time (or again after a failure), a bouncer's or hook's
 * acknowledgement goes on the incident's timeline; the gateway's does not (it is the default point, and its
 * sync acknowledges on every pass).
 */
export async function acknowledgeEnforcement(
  ctx: DeskContext,
  m: Mitigation,
  point: PointRef,
  detail?: string,
): Promise<void> {
  const before = (await ctx.store.enforcement.list([m.id])).find(
    (r) => r.pointKind === point.kind && r.pointName === point.name,
  );
  const at = ctx.clock.now().toISOString();
  await ctx.store.enforcement.acknowledge({
    mitigationId: m.id,
    pointKind: point.kind,
    pointName: point.name,
    at,
    ...(detail !== undefined ? { detail } : {}),
  });
  if (point.kind !== 'gateway' && before?.state !== 'enforcing') {
    await onTimeline(ctx, m, `${point.kind} ${point.name} enforces ${m.kind} ${shownTarget(m)}`, {
      point: point.kind,
      name: point.name,
    });
  }
}

/** A point let the mitigation go (it was lifted or expired); on the timeline once, for bouncers and hooks. */
export async function releaseEnforcement(
  ctx: DeskContext,
  m: Mitigation,
  point: PointRef,
  detail?: string,
): Promise<boolean> {
  const released = await ctx.store.enforcement.release({
    mitigationId: m.id,
    pointKind: point.kind,
    pointName: point.name,
    at: ctx.clock.now().toISOString(),
    ...(detail !== undefined ? { detail } : {}),
  });
  if (released && point.kind === 'bouncer') {
    await onTimeline(ctx, m, `bouncer ${point.name} released ${m.kind} ${shownTarget(m)}`, {
      point: point.kind,
      name: point.name,
    });
  }
  return released;
}
