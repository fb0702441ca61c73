import { RampartError, notFound } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import type { OutboxMessage, Store } from '../store/ports.js';
import { describeDelivery } from './outbox.js';

/**
 * A person releases a held message (e.g. a tenant e-mail) for sending. The running dispatcher picks it up; the
 * approval is on the incident's timeline and in the audit log with the approver's name.
 */
export async function approveMessage(input: {
  store: Store;
  clock: Clock;
  id: number;
  actor: string;
}): Promise<OutboxMessage> {
  const at = input.clock.now().toISOString();
  return input.store.transaction(async (tx) => {
    const approved = await tx.outbox.approve(input.id, at);
    if (!approved) {
      const current = await tx.outbox.get(input.id);
      if (!current) throw notFound(`notification ${input.id}`);
      throw new RampartError(
        'RAMPART_CONFLICT',
        `notification ${input.id} is ${current.status}, not waiting for approval`,
      );
    }
    const data = { outboxId: approved.id, channel: approved.channel, audience: approved.audience };
    if (approved.incidentId !== null) {
      await tx.timeline.append({
        incidentId: approved.incidentId,
        at,
        actor: input.actor,
        kind: 'notification',
        summary: `${describeDelivery(approved)} approved for sending`,
        data: { ...data, status: 'approved' },
      });
    }
    await tx.audit.append({
      at,
      actor: input.actor,
      action: 'notification.approve',
      target: approved.incidentId ?? `outbox:${approved.id}`,
      details: data,
    });
    return approved;
  });
}
