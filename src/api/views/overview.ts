import { isOverdue, type ChecklistItem } from '../../domain/checklist.js';
import type { Incident } from '../../domain/incident.js';
import { shownTarget, type Mitigation } from '../../domain/mitigation.js';
import type { AuditEntry } from '../../domain/audit.js';
import type { TimelineEntry } from '../../domain/timeline.js';
import { withCoverage, type Covered } from '../../enforcement/coverage-view.js';
import { cadenceFor, lastUpdateAt } from '../../notify/index.js';
import type { IncidentCount } from '../../store/ports.js';
import type { ApiDeps } from '../api-deps.js';
import { monitorStates, type MonitorState } from './monitor-states.js';

/** One open incident as the overview shows it: what a responder needs first, nothing more. */
export interface OpenIncidentRow {
  incident: Incident;
  /** The running time box: the phase whose deadline is the next one ahead (or the last one missed). */
  timeBox: { phase: string; deadline: string; overdue: boolean } | null;
  pendingSteps: number;
  overdueSteps: number;
  /** From the playbook's comms cadence, as the notifier reckons it; null when no audience asks for updates. */
  nextUpdateDueAt: string | null;
  lastUpdateAt: string;
  /** The due time of the latest update that did not come, if one is missed. */
  updateMissedSince: string | null;
  /** Its pending steps past their deadline. */
  overdue: ChecklistItem[];
}

export interface Overview {
  now: string;
  counts: IncidentCount[];
  open: { total: number; offset: number; rows: OpenIncidentRow[] };
  /** Of the open incidents on this page. */
  overdueSteps: ChecklistItem[];
  overdueUpdates: { incidentId: string; title: string; dueAt: string; commander: string | null }[];
  /** In force, each with the gateways, bouncers and hooks that have it (or "recorded but not enforced"). */
  mitigations: Covered<Mitigation & { shownTarget: string }>[];
  monitors: MonitorState[];
  signals: TimelineEntry[];
  shadow: AuditEntry[];
}

function timeBoxOf(items: readonly ChecklistItem[], now: Date): OpenIncidentRow['timeBox'] {
  const pending = items.filter((i) => i.status === 'pending');
  if (pending.length === 0) return null;
  const next = pending.reduce((a, b) => (Date.parse(b.deadline) < Date.parse(a.deadline) ? b : a));
  return { phase: next.phase, deadline: next.deadline, overdue: isOverdue(next, now) };
}

async function openRow(deps: ApiDeps, incident: Incident, now: Date): Promise<OpenIncidentRow> {
  const [items, updates] = await Promise.all([
    deps.store.checklist.list(incident.id),
    // The incident's newest entries by its own index; lastUpdateAt picks the people's updates among them. (Asking
    // SQL for the kinds too lets SQLite walk the kind index across every incident: 40× slower at 100k entries.)
    deps.store.timeline.recent({ incidentId: incident.id, limit: 500 }),
  ]);
  const last = lastUpdateAt(incident, updates);
  const comms = deps.playbooks?.find((p) => p.service.name === incident.service)?.comms;
  const cadence = comms ? cadenceFor(comms, incident) : undefined;
  let nextUpdateDueAt: string | null = null;
  let updateMissedSince: string | null = null;
  if (cadence !== undefined) {
    // Due times are multiples of the cadence after the last update, as the notifier's runCadence counts them.
    const elapsed = Math.floor((now.getTime() - last) / cadence);
    nextUpdateDueAt = new Date(last + (elapsed + 1) * cadence).toISOString();
    if (elapsed >= 1) updateMissedSince = new Date(last + elapsed * cadence).toISOString();
  }
  const overdue = items.filter((i) => isOverdue(i, now));
  return {
    incident,
    timeBox: timeBoxOf(items, now),
    pendingSteps: items.filter((i) => i.status === 'pending').length,
    overdueSteps: overdue.length,
    nextUpdateDueAt,
    lastUpdateAt: new Date(last).toISOString(),
    updateMissedSince,
    overdue,
  };
}

/**
 * The overview in one answer of bounded size, whatever the store holds: grouped counts, one page of open
 * incidents (most severe first), and short lists of what is overdue, in force, failing or recently signalled.
 */
export async function readOverview(
  deps: ApiDeps,
  options: { limit: number; offset: number },
): Promise<Overview> {
  const now = deps.clock.now();
  const iso = now.toISOString();
  const [counts, open, mitigations, monitors, signals, shadow] = await Promise.all([
    deps.store.incidents.countByStatusAndSeverity(),
    deps.store.incidents.list({
      openOnly: true,
      order: 'severity',
      limit: options.limit,
      offset: options.offset,
    }),
    deps.store.mitigations.list({ inForceAt: iso, limit: 200 }),
    monitorStates(deps),
    deps.store.timeline.recent({ kinds: ['signal'], limit: 15 }),
    deps.store.audit.list({ action: 'signal.shadow', limit: 15 }),
  ]);
  const rows = await Promise.all(open.map((incident) => openRow(deps, incident, now)));
  const total = counts
    .filter((c) => c.status !== 'resolved' && c.status !== 'closed')
    .reduce((n, c) => n + c.count, 0);
  const overdueUpdates = rows.flatMap((r) =>
    r.updateMissedSince === null
      ? []
      : [
          {
            incidentId: r.incident.id,
            title: r.incident.title,
            dueAt: r.updateMissedSince,
            commander: r.incident.commander,
          },
        ],
  );
  return {
    now: iso,
    counts,
    open: { total, offset: options.offset, rows },
    overdueSteps: rows.flatMap((r) => r.overdue),
    overdueUpdates,
    mitigations: await withCoverage(
      deps.store,
      mitigations.map((m) => ({ ...m, shownTarget: shownTarget(m) })),
      now,
    ),
    monitors,
    signals,
    shadow,
  };
}
