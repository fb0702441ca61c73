import type { Incident } from '../domain/incident.js';
import type { Postmortem } from '../domain/postmortem.js';
import type { Store } from '../store/ports.js';
import { NOTIFY_ACTOR } from './outbox.js';

/** How long before its due date a post-mortem's owner hears about it. */
export const DEFAULT_POSTMORTEM_LEAD_MS = 24 * 3_600_000;

export interface PostmortemReminderDeps {
  store: Store;
  leadMs: number;
  /** Sends a `postmortem_due` message; idempotent by `key`. */
  remind(incident: Incident, key: string, change: string, now: Date): Promise<void>;
}

function followUps(pm: Postmortem): string {
  const open = pm.followUps.filter((f) => !f.done);
  if (open.length === 0) return '';
  return ` Open follow-ups: ${open.map((f) => `${f.title}${f.owner ? ` (${f.owner})` : ''}`).join('; ')}.`;
}

/**
 * An open post-mortem is reminded once `leadMs` before its due date and once when it is due; past the due date
 * the timeline says "post-mortem overdue", once per due date. Worked out from the store at every run.
 */
export async function runPostmortemReminders(deps: PostmortemReminderDeps, now: Date): Promise<void> {
  const horizon = new Date(now.getTime() + deps.leadMs).toISOString();
  for (const pm of await deps.store.postmortems.listDue(horizon)) {
    const incident = await deps.store.incidents.get(pm.incidentId);
    if (!incident) continue;
    const due = Date.parse(pm.dueAt);
    if (now.getTime() < due) {
      const hours = Math.max(1, Math.round((due - now.getTime()) / 3_600_000));
      await deps.remind(
        incident,
        `postmortem-due-soon-${pm.dueAt}`,
        `The post-mortem of ${incident.id} is due at ${pm.dueAt} (in about ${hours} h).${followUps(pm)}`,
        now,
      );
      continue;
    }
    await deps.remind(
      incident,
      'postmortem-due',
      `The post-mortem of ${incident.id} was due at ${pm.dueAt}.${followUps(pm)}`,
      now,
    );
    const entries = await deps.store.timeline.list(incident.id);
    if (entries.some((e) => e.kind === 'postmortem' && e.data.overdueFor === pm.dueAt)) continue;
    const at = now.toISOString();
    const data = { overdueFor: pm.dueAt, openFollowUps: pm.followUps.filter((f) => !f.done).length };
    await deps.store.transaction(async (tx) => {
      await tx.timeline.append({
        incidentId: incident.id,
        at,
        actor: NOTIFY_ACTOR,
        kind: 'postmortem',
        summary: `post-mortem overdue: it was due at ${pm.dueAt}`,
        data,
      });
      await tx.audit.append({
        at,
        actor: NOTIFY_ACTOR,
        action: 'postmortem.overdue',
        target: incident.id,
        details: data,
      });
    });
  }
}
