import type { Incident } from '../domain/incident.js';
import type { TimelineEntry } from '../domain/timeline.js';
import type { CommsSpec } from '../playbook/index.js';
import type { Store } from '../store/ports.js';
import { NOTIFY_ACTOR } from './outbox.js';
import { audienceCovers } from './routing.js';

/** Grace after an update fell due before the timeline says "update overdue". */
export const DEFAULT_UPDATE_GRACE_MS = 15 * 60_000;

const UPDATE_KINDS = new Set(['note', 'status', 'severity']);

/** People act as "cli:alice", "api:ops-key", "web:…"; the detector, scheduler and notifier have bare names. */
export function isPersonActor(actor: string): boolean {
  return /^[a-z]+:./.test(actor);
}

/** The shortest cadence among the audiences that cover this incident, if any asks for one. */
export function cadenceFor(comms: CommsSpec, incident: Incident): number | undefined {
  let best: number | undefined;
  for (const audience of comms.audiences) {
    if (audience.cadence === undefined || !audienceCovers(audience, incident)) continue;
    best = best === undefined ? audience.cadence : Math.min(best, audience.cadence);
  }
  return best;
}

/** When a person last updated the incident (a note, a status or severity change), or when it opened. */
export function lastUpdateAt(incident: Incident, entries: readonly TimelineEntry[]): number {
  let last = Date.parse(incident.createdAt);
  for (const e of entries) {
    if (UPDATE_KINDS.has(e.kind) && isPersonActor(e.actor)) last = Math.max(last, Date.parse(e.at));
  }
  return last;
}

export interface CadenceDeps {
  store: Store;
  commsFor(service: string): CommsSpec | undefined;
  graceMs: number;
  /** Sends the "update due" reminder; idempotent by the due time. */
  remind(incident: Incident, dueAt: Date, lastUpdate: Date, cadenceMs: number, now: Date): Promise<void>;
}

/**
 * The update cadence, worked out from the store at every run (so a restart or a missed tick changes nothing):
 * the latest due time since the last update gets one reminder, and once it is `graceMs` past with no update,
 * the timeline says so, once per due time.
 */
export async function runCadence(deps: CadenceDeps, now: Date): Promise<void> {
  const incidents = await deps.store.incidents.list({ openOnly: true, limit: 1000 });
  for (const incident of incidents) {
    const comms = deps.commsFor(incident.service);
    if (!comms) continue;
    const cadence = cadenceFor(comms, incident);
    if (cadence === undefined) continue;
    const entries = await deps.store.timeline.list(incident.id);
    const ref = lastUpdateAt(incident, entries);
    const elapsed = now.getTime() - ref;
    const due = Math.floor(elapsed / cadence);
    if (due >= 1) await deps.remind(incident, new Date(ref + due * cadence), new Date(ref), cadence, now);
    const missed = Math.floor((elapsed - deps.graceMs) / cadence);
    if (missed < 1) continue;
    const overdueFor = new Date(ref + missed * cadence).toISOString();
    if (entries.some((e) => e.kind === 'notification' && e.data.overdueFor === overdueFor)) continue;
    const at = now.toISOString();
    const data = { overdueFor, lastUpdateAt: new Date(ref).toISOString(), cadenceMs: cadence };
    const minutes = Math.round((now.getTime() - ref) / 60_000);
    await deps.store.transaction(async (tx) => {
      await tx.timeline.append({
        incidentId: incident.id,
        at,
        actor: NOTIFY_ACTOR,
        kind: 'notification',
        summary: `update overdue: no update for ${minutes} min (one was due at ${overdueFor}${incident.commander ? `, commander ${incident.commander}` : ''})`,
        data,
      });
      await tx.audit.append({
        at,
        actor: NOTIFY_ACTOR,
        action: 'notification.update_overdue',
        target: incident.id,
        details: data,
      });
    });
  }
}
