import type { NotifyMessage } from '../notify/index.js';
import { nextBusinessStart } from '../notify/index.js';
import type { AudienceSpec, CommsSpec } from '../playbook/index.js';
import type { Store } from '../store/ports.js';

/** The actor on audit rows the routine runner writes. */
export const ROUTINES_ACTOR = 'routines';

export interface OwnerReminder {
  comms: CommsSpec;
  service: string;
  /** A routine's owner; matched against the playbook's audience names ("on-call", "team"). */
  owner: string | undefined;
  /** What the reminder is about, e.g. "routine:check-logs" or "review"; shown where channels show an incident id. */
  subject: string;
  /** Unique per occurrence, so a repeat enqueues nothing. */
  key: string;
  headline: string;
  text: string;
  at: Date;
}

/**
 * The owner's audience when one has that name, else the audiences that ask for `update_due` reminders. PagerDuty
 * never pages for a routine, and tenant e-mail is for incidents only.
 */
export function reminderAudiences(comms: CommsSpec, owner: string | undefined): AudienceSpec[] {
  const named = comms.audiences.filter((a) => a.name === owner);
  return named.length > 0 ? named : comms.audiences.filter((a) => a.when.events.includes('update_due'));
}

/**
 * Puts a reminder that belongs to no incident (a routine, a playbook review) into the notification outbox,
 * shaped like any other message so every channel can send it, with an audit row beside it.
 * Returns how many messages were added (0 for a repeat).
 */
export async function remindOwner(store: Store, r: OwnerReminder): Promise<number> {
  const at = r.at.toISOString();
  const message = (dedupKey: string): NotifyMessage => ({
    deliveryId: dedupKey,
    event: 'update_due',
    headline: r.headline,
    text: r.text,
    incident: {
      id: r.subject,
      title: r.headline,
      service: r.service,
      severity: 'routine',
      severityRank: 99,
      status: 'due',
      type: null,
      commander: r.owner ?? null,
      createdAt: at,
      mitigatedAt: null,
      resolvedAt: null,
      scope: { tenants: [], events: [], ips: [], tokenPreviews: [] },
      scopeCounts: { tenants: 0, events: 0, ips: 0, tokenPreviews: 0, tokens: 0 },
    },
    links: [],
    pagerduty: { action: null, severity: 'info' },
  });
  return store.transaction(async (tx) => {
    let added = 0;
    for (const audience of reminderAudiences(r.comms, r.owner)) {
      const notBefore =
        audience.timing === 'business_hours' && r.comms.business_hours
          ? nextBusinessStart(r.at, r.comms.business_hours)
          : r.at;
      for (const [index, channel] of audience.channels.entries()) {
        if (channel.type === 'pagerduty' || (channel.type === 'email' && channel.to === 'tenants')) continue;
        const dedupKey = `${r.service}:${r.key}:${audience.name}:${index}-${channel.type}`;
        const row = await tx.outbox.enqueue({
          dedupKey,
          incidentId: null,
          service: r.service,
          audience: audience.name,
          channel: channel.type,
          target: channel,
          payload: message(dedupKey) as unknown as Record<string, unknown>,
          status: 'pending',
          nextAttemptAt: notBefore.toISOString(),
          createdAt: at,
        });
        if (row) added += 1;
      }
    }
    await tx.audit.append({
      at,
      actor: ROUTINES_ACTOR,
      action: 'routine.remind',
      target: `${r.service}/${r.subject}`,
      details: { key: r.key, owner: r.owner ?? null, headline: r.headline, messages: added },
    });
    return added;
  });
}
