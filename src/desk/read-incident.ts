import type { ChecklistItem } from '../domain/checklist.js';
import type { Incident } from '../domain/incident.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { Postmortem } from '../domain/postmortem.js';
import type { TimelineEntry } from '../domain/timeline.js';
import type { IncidentFilter, Store } from '../store/ports.js';
import { requireIncident } from './require-incident.js';

export interface IncidentView {
  incident: Incident;
  checklist: ChecklistItem[];
  mitigations: Mitigation[];
  postmortem: Postmortem | null;
  timeline: TimelineEntry[];
}

/** Everything about one incident, for `incident show` and the API. */
export async function readIncident(
  store: Store,
  id: string,
  options: { timelineLimit?: number } = {},
): Promise<IncidentView> {
  const incident = await requireIncident(store, id);
  const [checklist, mitigations, postmortem, timeline] = await Promise.all([
    store.checklist.list(incident.id),
    store.mitigations.list({ incidentId: incident.id }),
    store.postmortems.get(incident.id),
    store.timeline.list(incident.id, options.timelineLimit ? { limit: options.timelineLimit } : {}),
  ]);
  return { incident, checklist, mitigations, postmortem: postmortem ?? null, timeline };
}

export function listIncidents(store: Store, filter: IncidentFilter = {}): Promise<Incident[]> {
  return store.incidents.list(filter);
}
