import type { OutboxMessage, StoreRepos } from '../store/ports.js';
import type { NotifyMessage } from './message.js';
import type { PlannedDelivery } from './routing.js';

/** The actor on every timeline and audit entry the notifier writes. */
export const NOTIFY_ACTOR = 'notify';

export const CHANNEL_LABELS: Record<string, string> = {
  slack: 'Slack',
  pagerduty: 'PagerDuty',
  webhook: 'Webhook',
  email: 'E-mail',
};

export interface Enqueue {
  planned: PlannedDelivery;
  message: NotifyMessage;
  service: string;
  incidentId: string;
}

function describe(m: { channel: string; audience: string; target: Record<string, unknown> }): string {
  const tenant = typeof m.target.tenant === 'string' ? ` to tenant ${m.target.tenant}` : '';
  return `${CHANNEL_LABELS[m.channel] ?? m.channel} (${m.audience})${tenant}`;
}

export { describe as describeDelivery };

/**
 * Records messages in the outbox before anything is sent. Idempotent by dedup key, so replaying the same desk
 * event (a retry, a second desk process) adds nothing. A message that waits for approval says so on the
 * timeline, so a responder knows there is something to approve.
 */
export async function enqueueAll(
  tx: StoreRepos,
  items: readonly Enqueue[],
  now: Date,
): Promise<OutboxMessage[]> {
  const at = now.toISOString();
  const added: OutboxMessage[] = [];
  for (const item of items) {
    const row = await tx.outbox.enqueue({
      dedupKey: item.planned.dedupKey,
      incidentId: item.incidentId,
      service: item.service,
      audience: item.planned.audience,
      channel: item.planned.channel,
      target: item.planned.target,
      payload: item.message as unknown as Record<string, unknown>,
      status: item.planned.held ? 'held' : 'pending',
      nextAttemptAt: item.planned.notBefore.toISOString(),
      createdAt: at,
    });
    if (!row) continue;
    added.push(row);
    if (row.status === 'held') {
      const summary = `${describe(row)} awaits approval: "${item.message.subject ?? item.message.headline}" (rampart notify approve ${row.id})`;
      await tx.timeline.append({
        incidentId: item.incidentId,
        at,
        actor: NOTIFY_ACTOR,
        kind: 'notification',
        summary,
        data: {
          outboxId: row.id,
          status: 'held',
          channel: row.channel,
          audience: row.audience,
          event: item.message.event,
        },
      });
    }
  }
  return added;
}
