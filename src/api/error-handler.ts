import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, isRampartError, type ErrorCode, type ErrorDetail } from '../shared/errors.js';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

/** fastify's client-error statuses that have a catalog code of their own; any other 4xx is a validation error. */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'RAMPART_UNAUTHENTICATED',
  408: 'RAMPART_REQUEST_TIMEOUT',
  431: 'RAMPART_HEADERS_TOO_LARGE',
  404: 'RAMPART_NOT_FOUND',
  413: 'RAMPART_PAYLOAD_TOO_LARGE',
  414: 'RAMPART_URI_TOO_LONG',
  415: 'RAMPART_UNSUPPORTED_MEDIA_TYPE',
};

/** A message is shown as-is; a client-chosen URL or header inside it is cut to this. */
const MAX_MESSAGE = 200;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** The one shape every error has, with the catalog's status for its code. */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details: ErrorDetail[] = [],
): FastifyReply {
  const body: ErrorBody = { error: { code, message: clip(message) } };
  if (details.length > 0) body.error.details = details;
  return reply.code(ERROR_CATALOG[code].status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own client errors (malformed JSON, body too large, wrong media type) as catalog codes. */
function fromFastify(error: FastifyError): { code: ErrorCode; message: string } | undefined {
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  return { code: CODE_FOR_STATUS[status] ?? 'RAMPART_VALIDATION', message: error.message };
}

/**
 * Errors fastify raises before routing (a URL that is not valid percent-encoded UTF-8, a path parameter longer
 * than maxParamLength): passed to Fastify({ frameworkErrors }) so they too have the catalog's shape, instead of
 * fastify's own `{ statusCode, error, message }` echoing the whole URL.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(reply, 'RAMPART_URI_TOO_LONG', 'a path parameter is too long');
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendError(reply, 'RAMPART_VALIDATION', 'the URL is not valid percent-encoded UTF-8');
    return;
  }
  void sendError(reply, 'RAMPART_VALIDATION', 'the request cannot be routed');
}

/**
 * What node:http cannot parse never reaches fastify's routing: a malformed request, headers over the limit, a
 * head that took too long. Passed to Fastify({ clientErrorHandler }) so the answer has the catalog's shape too.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message]: [ErrorCode, string] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['RAMPART_REQUEST_TIMEOUT', 'the request head did not arrive in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['RAMPART_HEADERS_TOO_LARGE', 'the request headers are too large']
        : ['RAMPART_VALIDATION', 'the request is not valid HTTP'];
  const status = ERROR_CATALOG[code].status;
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * The one place errors become HTTP. Catalog errors keep their status and message; fastify's client errors
 * (malformed JSON, body too large, wrong media type) get their catalog code; anything else is a generic 500
 * whose details stay in the server log, so a database message can never leak to a client.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isRampartError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return sendError(reply, error.code, error.message, error.details);
    }
    const mapped = fromFastify(error);
    if (mapped) return sendError(reply, mapped.code, mapped.message);
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 'RAMPART_INTERNAL', 'internal error');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'RAMPART_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
  );
}
