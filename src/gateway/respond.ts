import type { Decision, RequestEvent } from '../domain/request-event.js';
import type { OutgoingHttpHeaders } from 'node:http';
import { redactQuery } from '../shared/redact-query.js';
import { redactLongSegments } from './event-path.js';
import { addRateLimitHeaders } from './headers.js';
import type { ErrorDetail } from '../shared/errors.js';
import type { Rejection } from './guards/guard.js';
import type { RequestContext } from './request-context.js';

/** Writes a refusal as `{ error: { code, message } }` and records the decision for the event. */
export function reject(ctx: RequestContext, r: Rejection): void {
  ctx.decision = r.decision;
  ctx.rule = r.rule;
  const res = ctx.res;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: r.details === undefined ? { code: r.code, message: r.message }
    : { code: r.code, message: r.message, details: r.details } });
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (r.retryAfterSeconds !== null) headers['retry-after'] = String(r.retryAfterSeconds);
  addRateLimitHeaders(ctx, headers);
  res.writeHead(r.status, headers);
  res.end(body);
  // The request body is not wanted; let node discard it rather than leave the socket stalled.
  ctx.req.resume();
}

export function fail(ctx: RequestContext, status: number, code: string, message: string, decision: Decision,
  rule: string, details?: ErrorDetail[]): void {
  reject(ctx, details === undefined ? { status, code, message, decision, rule, retryAfterSeconds: null }
    : { status, code, message, decision, rule, retryAfterSeconds: null, details });
}

/** undici error codes → the status a client sees: timeouts are 504, every other failure 502. */
export function upstreamStatus(code: string | undefined): 502 | 504 {
  return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
    ? 504
    : 502;
}

/** The one event per request; built when the response closes. Never carries the raw token. */
export function toEvent(ctx: RequestContext, service: string, source: string, durationMs: number): RequestEvent {
  const req = ctx.req;
  const socket = ctx.socket;
  const ua = req.headers['user-agent'];
  return {
    time: ctx.time,
    service,
    source,
    method: req.method ?? 'GET',
    path: ctx.eventPath ?? redactLongSegments(ctx.path),
    query: redactQuery(ctx.query, ctx.token),
    route: ctx.route?.pattern ?? null,
    host: req.headers.host ?? null,
    status: ctx.res.statusCode,
    durationMs,
    bytes: socket.bytesWritten - ctx.bytesOutStart,
    ip: ctx.ip?.text ?? null,
    ipPrefix: ctx.ipPrefix,
    tokenHash: ctx.tokenHash,
    tokenPreview: ctx.tokenPreview,
    subject: ctx.subject,
    tenant: ctx.tenant,
    event: ctx.event,
    userAgent: ua ?? null,
    decision: ctx.decision,
    rule: ctx.rule,
    spoofedForwardedFor: ctx.spoofedForwardedFor,
    message: ctx.message,
    level: null,
    fields: { routeName: ctx.route?.name ?? null, bytesIn: socket.bytesRead - ctx.bytesInStart,
      completed: ctx.res.writableFinished, shadowLimited: ctx.shadowLimited, upstreamMs: ctx.upstreamMs },
  };
}
