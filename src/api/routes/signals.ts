import { ingestSignal, signalInput } from '../../desk/index.js';
import type { ApiDeps } from '../api-deps.js';
import { deskContext } from '../desk-context.js';
import { route, type AnyRoute } from '../define-route.js';

export function signalRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/v1/signals',
      role: 'responder',
      tag: 'signals',
      summary: 'Hand the desk a signal: it opens an incident or joins the open one with the same correlation key (incident type and group key, else fingerprint)',
      body: signalInput,
      handler: async ({ body, actor, reply }) => {
        const result = await ingestSignal({
          ctx: deskContext(deps, actor),
          input: body,
        });
        reply.code(result.joined ? 200 : 201);
        return result;
      },
    }),
  ];
}
