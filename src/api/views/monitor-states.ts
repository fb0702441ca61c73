import type { MonitorResult } from '../../store/ports.js';
import type { ApiDeps } from '../api-deps.js';

export interface MonitorState {
  service: string;
  name: string;
  latest: MonitorResult | null;
}

/** The monitors that run for each service, with their latest result. */
export function monitorStates(deps: ApiDeps): Promise<MonitorState[]> {
  return Promise.all(
    deps.services.list().flatMap((service) =>
      (deps.monitorNames?.get(service.name) ?? []).map(async (name) => ({
        service: service.name,
        name,
        latest: (await deps.store.monitorResults.latest(service.name, name)) ?? null,
      })),
    ),
  );
}
