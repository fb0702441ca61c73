import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';

export function serviceRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/v1/services',
      role: 'viewer',
      tag: 'services',
      summary: 'The services Rampart protects, from their playbooks',
      handler: () =>
        Promise.resolve({
          services: deps.services.list().map((s) => ({
            name: s.name,
            title: s.title,
            severities: s.scale,
            defaultSeverity: s.defaultSeverity,
            checklistPhases: s.checklist.map((p) => ({
              name: p.name,
              timeBoxMs: p.timeBoxMs,
              steps: p.steps.length,
            })),
          })),
        }),
    }),
  ];
}
