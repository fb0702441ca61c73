import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';
import { monitorStates } from '../views/monitor-states.js';

/** Monitors' latest results and the routines' schedule; present when the app runs them. */
export function monitorRoutes(deps: ApiDeps): AnyRoute[] {
  const tag = 'monitors';
  return [
    route({
      method: 'GET',
      url: '/v1/monitors',
      role: 'viewer',
      tag,
      summary: "The playbooks' synthetic monitors with their latest result",
      handler: async () => ({ monitors: await monitorStates(deps) }),
    }),
    route({
      method: 'GET',
      url: '/v1/routines',
      role: 'viewer',
      tag,
      summary: 'Daily, weekly and monthly routines and review dates: next due, last run',
      handler: async () => ({ routines: (await deps.routines?.list(deps.clock.now())) ?? [] }),
    }),
  ];
}
