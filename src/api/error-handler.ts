import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CATALOG, isRampartError, type ErrorCode, type ErrorDetail } from '../shared/errors.js';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

/** Fastify's own client errors we translate into catalog codes; their messages are safe to show. */
function fromFastify(error: FastifyError): { status: number; body: ErrorBody } | undefined {
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  if (status === 401)
    return { status, body: { error: { code: 'RAMPART_UNAUTHENTICATED', message: error.message } } };
  return { status, body: { error: { code: 'RAMPART_VALIDATION', message: error.message } } };
}

/**
 * The one place errors become HTTP. Catalog errors keep their status and message; fastify's client errors
 * (malformed JSON, body too large, wrong media type) keep theirs; anything else is a generic 500 whose
 * details stay in the server log, so a database message can never leak to a client.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isRampartError(error)) {
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error.details.length > 0) body.error.details = error.details;
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.code(error.status).send(body);
    }
    const mapped = fromFastify(error);
    if (mapped) return reply.code(mapped.status).send(mapped.body);
    request.log.error({ err: error }, 'unexpected error');
    const body: ErrorBody = { error: { code: 'RAMPART_INTERNAL', message: 'internal error' } };
    return reply.code(ERROR_CATALOG.RAMPART_INTERNAL.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: 'RAMPART_NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      },
    };
    return reply.code(404).send(body);
  });
}
