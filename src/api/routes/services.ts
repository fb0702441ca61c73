import { z } from 'zod';
import { explainPlaybook } from '../../playbook/index.js';
import { notFound } from '../../shared/errors.js';
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
    route({
      method: 'GET',
      url: '/v1/services/:name/explain',
      role: 'viewer',
      tag: 'services',
      summary: 'The playbook in plain words, as `rampart playbook explain` prints it',
      params: z.object({ name: z.string().min(1).max(100) }).strict(),
      handler: ({ params }) => {
        const playbook = deps.playbooks?.find((p) => p.service.name === params.name);
        if (!playbook) throw notFound(`playbook for service ${params.name}`);
        return Promise.resolve({ service: params.name, text: explainPlaybook(playbook, deps.clock.now()) });
      },
    }),
  ];
}
