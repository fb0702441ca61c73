import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { authorize } from '../access/authenticate.js';
import type { ApiDeps } from './api-deps.js';
import { authenticateRequest } from './authenticate-request.js';
import { registerRoute, type AnyRoute } from './define-route.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './error-handler.js';
import { buildOpenApi } from './openapi.js';
import { defaultConsoleDir, serveConsole } from './serve-console.js';
import { auditRoutes } from './routes/audit.js';
import { incidentRoutes } from './routes/incidents.js';
import { keyRoutes } from './routes/keys.js';
import { inboundRoutes } from './routes/inbound.js';
import { mitigationRoutes } from './routes/mitigations.js';
import { monitorRoutes } from './routes/monitors.js';
import { notificationRoutes } from './routes/notifications.js';
import { serviceRoutes } from './routes/services.js';
import { signalRoutes } from './routes/signals.js';
import { overviewRoutes } from './routes/overview.js';
import { sessionRoutes } from './routes/session.js';
import { streamRoutes } from './routes/stream.js';
import { trafficRoutes } from './routes/traffic.js';
import { systemRoutes } from './routes/system.js';

/**
 * Builds the HTTP API without listening, so tests start it on port 0 and `rampart up` decides where it lives.
 * Authentication runs in onRequest, before the body is even parsed: an unauthenticated or under-privileged call
 * is refused before it can touch anything.
 */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    // Our pino major may differ from the one fastify's types were written against; the shape is the same.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // Bad percent-encoding and over-long path parameters are refused before routing: in the catalog's shape too.
    frameworkErrors,
    // …and so is what node:http cannot parse at all (malformed request, oversized headers).
    clientErrorHandler,
    // One line per request is written by our onResponse hook, with the route template instead of the raw URL.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.decorateRequest('apiKey', null);
  app.decorateRequest('caller', null);
  installErrorHandler(app);
  // For reply.setCookie; the session cookie is parsed where it is checked (authenticateRequest), so no hook
  // order decides whether it was read. No signing: the cookie holds a random secret looked up by its hash.
  void app.register(fastifyCookie, { hook: false });

  app.addHook('onRequest', async (request) => {
    const { role, guard } = request.routeOptions.config;
    guard?.(request);
    if (!role) return;
    const caller = await authenticateRequest(deps, request);
    authorize(caller.key, role);
    request.apiKey = caller.key;
    request.caller = caller;
  });

  app.addHook('onResponse', async (request, reply) => {
    const routeUrl = request.routeOptions.url ?? 'unmatched';
    deps.metrics.apiRequests.inc({
      method: request.method,
      route: routeUrl,
      status: String(reply.statusCode),
    });
    deps.metrics.apiDuration.observe({ method: request.method, route: routeUrl }, reply.elapsedTime / 1000);
    request.log.info(
      {
        method: request.method,
        route: routeUrl,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        actor: request.apiKey?.name,
      },
      'api request',
    );
  });

  let openapi: Record<string, unknown> | undefined;
  const routes: AnyRoute[] = [
    ...incidentRoutes(deps),
    ...signalRoutes(deps),
    ...mitigationRoutes(deps),
    ...inboundRoutes(deps),
    ...notificationRoutes(deps),
    ...monitorRoutes(deps),
    ...serviceRoutes(deps),
    ...keyRoutes(deps),
    ...auditRoutes(deps),
    ...sessionRoutes(deps),
    ...overviewRoutes(deps),
    ...trafficRoutes(deps),
    ...streamRoutes(deps),
  ];
  const all: AnyRoute[] = [
    ...routes,
    ...systemRoutes(deps, () => (openapi ??= buildOpenApi(all, deps.version))),
  ];
  for (const spec of all) registerRoute(app, spec);
  serveConsole(app, deps.consoleDir ?? defaultConsoleDir());
  return app;
}
