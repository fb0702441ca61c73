import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  alertmanagerBody,
  fromAlertmanager,
  fromGenericAlert,
  fromPagerDuty,
  genericAlertBody,
  pagerDutyDedupKey,
  pagerDutyEvent,
  pagerDutyProblem,
} from '../../detector/sources/alerts/index.js';

import { RampartError } from '../../shared/errors.js';
import { safeEqual } from '../../shared/secrets.js';
import type { Role } from '../../domain/api-key.js';
import type { ApiDeps } from '../api-deps.js';
import { deskContext } from '../desk-context.js';
import { route, type AnyRoute } from '../define-route.js';
import { deliverAlert } from '../inbound/deliver-alert.js';

const serviceParams = z.object({ service: z.string().min(1).max(100) }).strict();

/** Constant-time check of a presented secret against every accepted one (no early exit on a match). */
function matches(presented: string, accepted: readonly string[]): boolean {
  let ok = false;
  for (const secret of accepted) ok = safeEqual(presented, secret) || ok;
  return ok;
}

export function inboundRoutes(deps: ApiDeps): AnyRoute[] {
  const secrets = deps.inboundSecrets ?? new Map<string, readonly string[]>();
  const ctx = (actor: string, role?: Role) => deskContext(deps, actor, role);

  /** Bearer <secret> of one of the service's inbound sources; a service with none configured accepts nothing. */
  const sharedSecret = (request: FastifyRequest): void => {
    const service = (request.params as { service?: string }).service ?? '';
    const accepted = secrets.get(service) ?? [];
    const presented = /^Bearer\s+(\S{1,500})\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (accepted.length === 0) {
      throw new RampartError(
        'RAMPART_UNAUTHENTICATED',
        `service "${service}" accepts no inbound alerts: give its alertmanager/webhook source a secret`,
      );
    }
    if (!presented || !matches(presented, accepted)) {
      throw new RampartError(
        'RAMPART_UNAUTHENTICATED',
        'inbound alerts need Authorization: Bearer <the source secret>',
      );
    }
  };

  const policyOf = (service: string) => {
    const policy = deps.services.get(service);
    if (!policy) throw new RampartError('RAMPART_UNKNOWN_SERVICE', `no playbook for service "${service}"`);
    return policy;
  };
  const tag = 'inbound';

  return [
    route({
      method: 'POST',
      url: '/v1/inbound/:service/alertmanager',
      role: null,
      guard: sharedSecret,
      tag,
      summary:
        "Prometheus Alertmanager's webhook (firing and resolved, de-duplicated by its fingerprints); Bearer <source secret>",
      params: serviceParams,
      body: alertmanagerBody,
      handler: async ({ params, body }) => {
        const policy = policyOf(params.service);
        const outcomes = [];
        for (const alert of fromAlertmanager(body))
          outcomes.push(await deliverAlert(ctx('alertmanager'), policy, alert));
        return { alerts: outcomes };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/inbound/:service/alerts',
      role: null,
      guard: sharedSecret,
      tag,
      summary: 'A generic JSON alert; Bearer <source secret>',
      params: serviceParams,
      body: genericAlertBody,
      handler: async ({ params, body }) => ({
        alerts: [
          await deliverAlert(
            ctx('webhook'),
            policyOf(params.service),
            fromGenericAlert(body, deps.clock.now().toISOString()),
          ),
        ],
      }),
    }),
    route({
      method: 'POST',
      url: '/v2/enqueue',
      role: null,
      tag,
      summary: "PagerDuty Events API v2, unchanged: the routing_key is a service's inbound source secret",
      handler: async ({ request, reply }) => {
        // PagerDuty's own answers, so a sender's retry logic keeps working: 202 on success, 400 "invalid event".
        const invalid = (errors: string[]) =>
          reply.code(400).send({ status: 'invalid event', message: 'Event object is invalid', errors });
        const parsed = pagerDutyEvent.safeParse(request.body);
        if (!parsed.success)
          return invalid(parsed.error.issues.map((i) => `'${i.path.join('.')}' ${i.message}`));
        const problem = pagerDutyProblem(parsed.data);
        if (problem) return invalid([problem]);
        let service: string | undefined;
        for (const [name, accepted] of secrets)
          if (matches(parsed.data.routing_key, accepted)) service = name;
        if (!service) return invalid(['Invalid routing key']);
        const alert = fromPagerDuty(parsed.data, deps.clock.now().toISOString());
        await deliverAlert(ctx('pagerduty'), policyOf(service), alert);
        return reply
          .code(202)
          .send({ status: 'success', message: 'Event processed', dedup_key: pagerDutyDedupKey(parsed.data) });
      },
    }),
  ];
}
