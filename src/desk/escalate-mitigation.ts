import { escalationStep, type EscalationPolicy, type EscalationStep } from '../domain/escalation.js';
import type { MitigationKind } from '../domain/mitigation.js';
import type { DeskContext } from './context.js';

/** How many earlier mitigations of one target are weighed; a run longer than this is at the last step anyway. */
const HISTORY = 50;

/**
 * The step of a repeat offender's escalation: its earlier mitigations of the same kind on the same target, for
 * the service, whatever incident they belonged to. The result goes on the new mitigation (level and why).
 */
export async function escalateMitigation(
  ctx: DeskContext,
  input: { service: string; kind: MitigationKind; target: string; policy: EscalationPolicy },
): Promise<EscalationStep> {
  const previous = await ctx.store.mitigations.list({
    service: input.service,
    kind: input.kind,
    target: input.target,
    limit: HISTORY,
  });
  return escalationStep(previous, ctx.clock.now(), input.policy);
}
