import { z } from 'zod';
import {
  applyMitigation,
  applyMitigationInput,
  extendMitigation,
  extendMitigationInput,
  keepMitigation,
  liftMitigation,
  liftMitigationInput,
} from '../../desk/index.js';
import { withCoverage } from '../../enforcement/coverage-view.js';
import { RampartError } from '../../shared/errors.js';
import { hashToken, previewToken } from '../../shared/secrets.js';
import type { Role } from '../../domain/api-key.js';
import type { Mitigation } from '../../domain/mitigation.js';
import type { ApiDeps } from '../api-deps.js';
import { deskContext } from '../desk-context.js';
import { idParams, route, type AnyRoute } from '../define-route.js';
import { durationMs } from '../../shared/input-bounds.js';

const revokeTokenBody = z
  .object({
    service: z.string().min(1).max(100),
    /** The token itself: hashed here with the gateways' key; only the hash and a preview are stored. */
    token: z.string().min(1).max(4096),
    reason: z.string().trim().min(1).max(2000),
    forMs: durationMs().optional(),
    incidentId: z.string().min(1).max(40).optional(),
  })
  .strict();

/**
 * Each mitigation with what it has refused since it began (`refused`, `lastRefusedAt`): the store's total plus
 * what this process counted since its last write.
 */
async function withRefusals(deps: ApiDeps, list: Mitigation[]) {
  const totals = await deps.store.controls.refusals(list.map((m) => m.id));
  return list.map((m) => {
    const total = totals.get(m.id);
    return {
      ...m,
      refused: (total?.refused ?? 0) + (deps.unflushedRefusals?.(m.id) ?? 0),
      lastRefusedAt: total?.lastRefusedAt ?? null,
    };
  });
}

export function mitigationRoutes(deps: ApiDeps): AnyRoute[] {
  const ctx = (actor: string, role?: Role) => deskContext(deps, actor, role);
  const tag = 'mitigations';
  return [
    route({
      method: 'GET',
      url: '/v1/mitigations',
      role: 'viewer',
      tag,
      summary:
        'Mitigations in force (or all, with all=true), newest first, each with the requests it refused (refused, lastRefusedAt) and who enforces it (enforcement)',
      query: z
        .object({ service: z.string().max(100).optional(), all: z.enum(['true', 'false']).optional() })
        .strict(),
      handler: async ({ query }) => ({
        // Each with what it refused, and the gateways, bouncers and hooks that have it (or "recorded but not
        // enforced").
        mitigations: await withCoverage(
          deps.store,
          await withRefusals(
            deps,
            await deps.store.mitigations.list({
              limit: 1000,
              ...(query.service ? { service: query.service } : {}),
              ...(query.all === 'true' ? {} : { inForceAt: deps.clock.now().toISOString() }),
            }),
          ),
          deps.clock.now(),
        ),
      }),
    }),
    route({
      method: 'POST',
      url: '/v1/mitigations',
      role: 'responder',
      tag,
      summary:
        'Apply a mitigation (block, revoke-jti, revoke-subject, revoke-all, switch-off, maintenance, limit-override)',
      body: applyMitigationInput,
      status: 201,
      handler: ({ body, actor }) => {
        if (body.kind === 'revoke-token') {
          throw new RampartError(
            'RAMPART_VALIDATION',
            'body.kind: revoke a token with POST /v1/mitigations/revoke-token',
            [
              {
                path: 'body.kind',
                message: 'use /v1/mitigations/revoke-token so the token is hashed, never stored',
              },
            ],
          );
        }
        return applyMitigation({ ctx: ctx(actor), input: body });
      },
    }),
    route({
      method: 'POST',
      url: '/v1/mitigations/revoke-token',
      role: 'responder',
      tag,
      summary: "Revoke one token; it is hashed with the gateways' key and never stored",
      body: revokeTokenBody,
      status: 201,
      handler: ({ body, actor }) => {
        if (!deps.tokenKey) throw new RampartError('RAMPART_CONFIG', 'no token key configured');
        const { token, ...rest } = body;
        return applyMitigation({
          ctx: ctx(actor),
          input: {
            ...rest,
            kind: 'revoke-token',
            target: hashToken(token, deps.tokenKey),
            data: { preview: previewToken(token) },
          },
        });
      },
    }),
    route({
      method: 'POST',
      url: '/v1/mitigations/:id/keep',
      role: 'responder',
      tag,
      summary:
        'Keep a temporary mitigation in force past resolution, with a reason (verification accepts it)',
      params: idParams,
      body: z.object({ reason: z.string().trim().min(1).max(2000) }).strict(),
      handler: ({ params, body, actor }) =>
        keepMitigation({ ctx: ctx(actor), input: { id: params.id, reason: body.reason } }),
    }),
    route({
      method: 'POST',
      url: '/v1/mitigations/:id/extend',
      role: 'responder',
      tag,
      summary:
        'Extend a mitigation in force: it now expires forMs from now (the reason goes on the timeline)',
      params: idParams,
      body: extendMitigationInput.omit({ id: true }),
      handler: ({ params, body, actor }) =>
        extendMitigation({ ctx: ctx(actor), input: { ...body, id: params.id } }),
    }),
    route({
      method: 'DELETE',
      url: '/v1/mitigations/:id',
      role: 'responder',
      tag,
      summary: 'Lift a mitigation before it expires',
      params: idParams,
      query: liftMitigationInput.pick({ reason: true }).strict(),
      handler: ({ params, query, actor }) =>
        liftMitigation({ ctx: ctx(actor), input: { id: params.id, ...query } }),
    }),
  ];
}
