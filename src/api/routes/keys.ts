import { createApiKey, createApiKeyInput, revokeApiKey } from '../../access/create-api-key.js';
import { notFound } from '../../shared/errors.js';
import type { ApiDeps } from '../api-deps.js';
import { idParams, route, type AnyRoute } from '../define-route.js';

export function keyRoutes(deps: ApiDeps): AnyRoute[] {
  const tag = 'keys';
  return [
    route({
      method: 'GET',
      url: '/v1/keys',
      role: 'admin',
      tag,
      summary: 'List API keys (names, roles and previews; never the secrets)',
      handler: async () => ({
        keys: (await deps.store.apiKeys.list()).map(({ hash: _hash, ...visible }) => visible),
      }),
    }),
    route({
      method: 'POST',
      url: '/v1/keys',
      role: 'admin',
      tag,
      summary: 'Create an API key; the secret is in this answer only',
      body: createApiKeyInput,
      status: 201,
      handler: async ({ body, actor }) => {
        const { key, secret } = await createApiKey({ store: deps.store, clock: deps.clock, actor }, body);
        const { hash: _hash, ...visible } = key;
        return { key: visible, secret };
      },
    }),
    route({
      method: 'DELETE',
      url: '/v1/keys/:id',
      role: 'admin',
      tag,
      summary: 'Revoke an API key',
      params: idParams,
      handler: async ({ params, actor }) => {
        const revoked = await revokeApiKey({ store: deps.store, clock: deps.clock, actor }, params.id);
        if (!revoked) throw notFound(`active API key ${params.id}`);
        const { hash: _hash, ...visible } = revoked;
        return { key: visible };
      },
    }),
  ];
}
