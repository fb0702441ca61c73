import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { RequestEvent } from '../domain/request-event.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { Admission } from './admission/index.js';
import type { PrefetchedBody } from './admission/body-prefetch.js';
import { canonicalPath, type CanonicalPathRefusal } from '../shared/http/canonical-path.js';
import { resolveClientIp, type ClientIp } from './client-ip.js';
import type { GatewayConfig } from './config.js';
import { takeScopeHeaders } from './scope-headers.js';
import { extractToken } from './extract-token.js';
import { createGuards, runGuards, type Guard, type Verdict } from './guards/index.js';
import { addRateLimitHeaders, stripResponseHeaders, upstreamHeaders } from './headers.js';
import { JwtVerifier } from './jwt.js';
import { RequestContext } from './request-context.js';
import { TokenHasher } from './token-hasher.js';
import { fail, reject, toEvent, upstreamStatus } from './respond.js';
import type { GatewayState } from './state/gateway-state.js';
import { MemoryRateLimiter } from './state/memory-rate-limiter.js';
import { MemoryState } from './state/memory-state.js';
import type { RateLimiter } from './state/rate-limiter.js';

export interface GatewayOptions {
  /** Key for the token hashes in events and revocations (hashToken). */
  tokenHashKey: string;
  /** One call per request, synchronous; keep it cheap (the detector queues it). */
  onEvent?: (event: RequestEvent) => void;
  clock?: Clock;
  state?: GatewayState;
  limiter?: RateLimiter;
  /** Bytes of request head node:http accepts before answering 431. Default 16 KiB. */
  maxHeaderSize?: number;
  /** Request headers accepted; more is answered 431. Default 100. */
  maxHeaderCount?: number;
  /** How long close() waits for in-flight requests before cutting them. Default 10 s. */
  drainTimeoutMs?: number;
  /** RequestEvent.source. Default "gateway". */
  source?: string;
}

export interface UpstreamErrorReport {
  code: string;
  status: 502 | 504;
  message: string;
  route: string | null;
}

export interface Gateway {
  server: Server;
  state: GatewayState;
  /** Emits "upstream-error" (UpstreamErrorReport) and "client-error" ({ code }). */
  events: EventEmitter;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (up to drainTimeoutMs), then closes the upstream pool. */
  close(): Promise<void>;
}

const kContext = Symbol('rampart.context');
const kPeer = Symbol('rampart.peer');
type WithContext = ServerResponse & { [kContext]?: RequestContext };

export function createGateway(config: GatewayConfig, options: GatewayOptions): Gateway {
  const clock = options.clock ?? systemClock;
  // The system clock's time without a Date per request; an injected clock is asked as usual.
  const nowMs = clock === systemClock ? Date.now : (): number => clock.now().getTime();
  const state = options.state ?? new MemoryState({ clock });
  const limiter = options.limiter ?? new MemoryRateLimiter();
  const guards: Guard[] = createGuards({ config, state, limiter });
  const verifier = new JwtVerifier();
  const hasher = new TokenHasher(options.tokenHashKey);
  const maxHeaderCount = options.maxHeaderCount ?? 100;
  const source = options.source ?? 'gateway';
  const onEvent = options.onEvent;
  const events = new EventEmitter();
  // [admission] Slow and greedy clients: caps, body rate, upstream reserve and queue, header timeout.
  const admission = new Admission({
    limits: config.clientLimits,
    upstream: { origin: config.upstream.origin, timeoutMs: config.upstream.timeoutMs },
    forward,
    service: config.service,
    source,
    trustedProxies: config.trustedProxies,
    nowMs,
    onEvent,
  });
  let closing: Promise<void> | null = null;
  const server = createServer(
    { maxHeaderSize: options.maxHeaderSize ?? 16_384, ...Admission.serverOptions(config.clientLimits) },
    handle,
  );
  // node:http drops headers past maxHeadersCount silently; keep one more so "too many" is visible and refused.
  server.maxHeadersCount = maxHeaderCount + 1;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const ctx = new RequestContext(req, res, nowMs(), performance.now());
    (res as WithContext)[kContext] = ctx;
    // on, not once: 'close' comes once per response and the handler checks ctx.done; once() wraps it per request.
    res.on('close', onResponseClose);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    ctx.query = q === -1 ? null : url.slice(q + 1);
    const client = clientOf(req);
    ctx.ip = client.ip;
    ctx.ipPrefix = client.prefix;
    ctx.spoofedForwardedFor = client.spoofedForwardedFor;
    ctx.peerTrusted = client.peerTrusted;
    ctx.proxyHeader = client.proxyHeader;
    ctx.forwardedFor = client.forwardedFor;
    if (req.rawHeaders.length > maxHeaderCount * 2) {
      ctx.path = rawPath;
      return fail(ctx, 431, 'too-many-headers', `At most ${maxHeaderCount} request headers are accepted.`,
        'invalid', 'limit:header-count');
    }
    // The one path every guard, limit, switch and the event judge, and the one forwarded (see canonical-path.ts).
    const canonical = canonicalPath(rawPath);
    if (!canonical.ok) {
      ctx.path = rawPath;
      return fail(ctx, 400, 'invalid-path', 'The request path is not valid.', 'invalid', 'limit:path',
        [{ path: 'request-target', message: PATH_REFUSALS[canonical.reason] }]);
    }
    ctx.path = canonical.path;
    ctx.upstreamPath = config.upstream.basePath + (ctx.query === null ? canonical.path : `${canonical.path}?${ctx.query}`);
    const match = config.matcher.match(ctx.path);
    if (match !== null) {
      ctx.route = config.routes[match.index] ?? null;
      ctx.params = match.params;
    }
    // [admission] Per-address and per-prefix requests in progress; refused with 429 when over.
    if (!admission.admit(ctx)) return;
    extractToken(ctx, config, hasher);
    if (ctx.ambiguousToken !== null) {
      return fail(ctx, 400, 'ambiguous-token', 'The request names a token more than once.', 'invalid',
        `token:${ctx.ambiguousToken}`);
    }
    const pending = ctx.pendingJwt?.verify;
    if (pending != null && ctx.token !== null && ctx.tokenHash !== null
      && verifier.cached(ctx.tokenHash, ctx.time) === undefined) {
      verifier.verify(ctx.token, ctx.tokenHash, pending, ctx.time).then(
        (ok) => (ok ? guard(ctx) : fail(ctx, 401, 'invalid-token', 'The token is not valid.', 'invalid',
          `token:${ctx.pendingJwt?.name ?? 'jwt'}`)),
        (error: unknown) => internalError(ctx, error),
      );
      return;
    }
    guard(ctx);
  }

  function guard(ctx: RequestContext): void {
    const verdict = runGuards(guards, ctx);
    if (verdict instanceof Promise) verdict.then((v) => decide(ctx, v), (error: unknown) => internalError(ctx, error));
    else decide(ctx, verdict);
  }

  function decide(ctx: RequestContext, verdict: Verdict): void {
    if (verdict !== null) return reject(ctx, verdict);
    if (ctx.res.destroyed) return;
    // [admission] Forwards once the body has shown itself, on the exempt reserve or the ordinary pool (or 503).
    admission.dispatch(ctx);
  }

  function forward(ctx: RequestContext, pool: Dispatcher, body: PrefetchedBody | null): void {
    const req = ctx.req;
    ctx.forwardedAt = performance.now();
    try {
      pool.stream(
        {
          path: ctx.upstreamPath,
          method: (req.method ?? 'GET'),
          headers: upstreamHeaders(ctx),
          body,
          opaque: ctx,
          // A client that goes away before the upstream answers cancels the upstream request (see onResponseClose).
          signal: ctx,
        },
        streamFactory,
        streamDone,
      );
    } catch (error) {
      admission.upstreamDone(ctx);
      internalError(ctx, error);
    }
  }

  function streamFactory({ statusCode, headers, opaque: ctx }: Dispatcher.StreamFactoryData<RequestContext>): ServerResponse {
    ctx.upstreamMs = Math.round((performance.now() - ctx.forwardedAt) * 1000) / 1000;
    stripResponseHeaders(headers);
    if (config.scopeHeaders !== null) takeScopeHeaders(config.scopeHeaders, ctx, headers);
    addRateLimitHeaders(ctx, headers);
    // While draining, tell keep-alive clients this connection ends with this response.
    if (closing !== null) ctx.res.shouldKeepAlive = false;
    ctx.res.writeHead(statusCode, headers as Record<string, string | string[]>);
    return ctx.res;
  }

  function streamDone(error: Error | null, data: { opaque: unknown }): void {
    const ctx = data.opaque as RequestContext;
    // [admission] Frees the request's place in its pool.
    admission.upstreamDone(ctx);
    if (error === null) return;
    // Already answered by the gateway (a body too slow: 408); the error is the cancelling of the upstream request.
    if (ctx.res.writableEnded) return;
    const code = (error as { code?: string }).code ?? 'UNKNOWN';
    if (ctx.res.headersSent || ctx.res.destroyed) {
      ctx.message = `upstream ${code} after response start`;
      ctx.res.destroy();
      return;
    }
    const status = upstreamStatus(code);
    ctx.message = `upstream ${code}`;
    if (events.listenerCount('upstream-error') > 0) {
      events.emit('upstream-error', { code, status, message: error.message, route: ctx.route?.name ?? null });
    }
    fail(ctx, status, status === 504 ? 'upstream-timeout' : 'upstream-unavailable',
      status === 504 ? 'The service did not answer in time.' : 'The service is unavailable.', 'upstream-error',
      `upstream:${code}`);
  }

  function internalError(ctx: RequestContext, error: unknown): void {
    ctx.message = error instanceof Error ? error.message : 'internal error';
    fail(ctx, 500, 'internal', 'The gateway failed to handle the request.', 'invalid', 'gateway:internal');
  }

  function onResponseClose(this: ServerResponse): void {
    const ctx = (this as WithContext)[kContext];
    if (ctx === undefined || ctx.done) return;
    ctx.done = true;
    // [admission] Releases the caps; watches a body still arriving.
    admission.finished(ctx);
    // undici listens for "abort" on the signal it was given (the context); a finished response needs no cancelling.
    if (!this.writableFinished) ctx.abortUpstream();
    if (closing !== null) setImmediate(closeIdle);
    if (onEvent !== undefined) {
      onEvent(toEvent(ctx, config.service, source, Math.round((performance.now() - ctx.started) * 1000) / 1000));
    }
  }

  /** Without forwarding headers the client is the socket peer: resolved once per connection, not per request. */
  function clientOf(req: IncomingMessage): ClientIp {
    const h = req.headers;
    const forwardedFor = h['x-forwarded-for'];
    const forwarded = h.forwarded;
    const realIp = h['x-real-ip'];
    if (forwardedFor === undefined && forwarded === undefined && realIp === undefined) {
      const socket = req.socket as Socket & { [kPeer]?: ClientIp };
      return (socket[kPeer] ??= resolveClientIp(socket.remoteAddress, {}, config.trustedProxies));
    }
    return resolveClientIp(req.socket.remoteAddress, { 'x-forwarded-for': header(forwardedFor),
      forwarded: header(forwarded), 'x-real-ip': header(realIp) }, config.trustedProxies);
  }

  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (events.listenerCount('client-error') > 0) events.emit('client-error', { code: error.code ?? 'UNKNOWN' });
    // [admission] A request head slower than header_timeout: 408 and a request event.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return admission.headerTimedOut(socket);
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error: { code: status === 431 ? 'headers-too-large' : 'bad-request',
      message: status === 431 ? 'The request headers are too large.' : 'The request is malformed.' } });
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n`
      + `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  const closeIdle = (): void => server.closeIdleConnections();
  return {
    server,
    state,
    events,
    listen(port, host) {
      return new Promise((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(port, host, () => {
          server.off('error', rejectListen);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          admission.close().then(resolve, resolve);
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const PATH_REFUSALS: Record<CanonicalPathRefusal, string> = {
  'not-origin-form': 'must start with "/"',
  'bad-percent-encoding': 'has a "%" not followed by two hex digits',
  'encoded-separator': 'has an encoded "/" or "\\" inside a segment',
  'control-character': 'has a NUL or another control character',
  backslash: 'has a "\\"',
  'invalid-utf8': 'is not UTF-8 once decoded',
};
