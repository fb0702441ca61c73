import { readIncident, type IncidentView } from '../../desk/index.js';
import { withCoverage, type Covered } from '../../enforcement/coverage-view.js';
import type { ApiDeps } from '../api-deps.js';

/** One incident as `GET /v1/incidents/:id` answers it: each mitigation with the points that enforce it. */
export interface IncidentAnswer extends Omit<IncidentView, 'mitigations'> {
  mitigations: Covered[];
}

export async function readIncidentAnswer(deps: ApiDeps, id: string): Promise<IncidentAnswer> {
  const view = await readIncident(deps.store, id);
  return { ...view, mitigations: await withCoverage(deps.store, view.mitigations, deps.clock.now()) };
}
