import { settleAutomaticStepsIn } from '../desk/index.js';
import type { StoreRepos } from '../store/ports.js';
import type { NotifyEvent } from './message.js';
import { NOTIFY_ACTOR } from './outbox.js';
import type { PlannedDelivery } from './routing.js';

/** The checklist's `automatic: notify` ("Escalate SEV-1/2 to on-call") stands for the messages of these events. */
const ESCALATING: readonly NotifyEvent[] = ['opened', 'severity_changed'];

export const NOTIFY_STEP = 'notify';

export const escalates = (event: NotifyEvent): boolean => ESCALATING.includes(event);

/**
 * Settles the notify step from what the outbox did with the escalation: done by the first message delivered
 * (even after another channel failed), failed when one failed before any got through. Written in the outbox's
 * own transaction, so the step and the delivery record commit together.
 */
export async function settleNotifyStepOnDelivery(
  tx: StoreRepos,
  input: { incidentId: string; event: NotifyEvent; delivered: boolean; what: string; at: string },
): Promise<void> {
  if (!escalates(input.event)) return;
  await settleAutomaticStepsIn(tx, {
    incidentId: input.incidentId,
    automatic: NOTIFY_STEP,
    outcome: input.delivered ? 'done' : 'failed',
    note: input.what,
    at: input.at,
    actor: NOTIFY_ACTOR,
    overridesFailed: true,
  });
}

/**
 * When the escalation is enqueued: nobody to tell (the playbook's comms route no audience for this severity)
 * skips the step; every message held for approval leaves it waiting for a person. Otherwise the delivery
 * settles it (above).
 */
export async function settleNotifyStepOnEnqueue(
  tx: StoreRepos,
  input: {
    incidentId: string;
    severity: string;
    events: readonly NotifyEvent[];
    planned: readonly PlannedDelivery[];
    at: string;
  },
): Promise<void> {
  const event = input.events[0];
  if (event === undefined || !escalates(event)) return;
  const base = { incidentId: input.incidentId, automatic: NOTIFY_STEP, at: input.at, actor: NOTIFY_ACTOR };
  if (input.planned.length === 0) {
    await settleAutomaticStepsIn(tx, {
      ...base,
      outcome: 'skipped',
      note: `the playbook's comms tell no audience of a ${input.severity} incident (${event})`,
    });
  } else if (input.planned.every((p) => p.held)) {
    const who = [...new Set(input.planned.map((p) => `${p.channel} to ${p.audience}`))].join(', ');
    await settleAutomaticStepsIn(tx, { ...base, outcome: 'held', note: `waiting for approval: ${who}` });
  }
}
