import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Decision, RequestEvent } from '../../domain/request-event.js';
import type { CidrMap } from '../../shared/net/index.js';
import type { RequestContext } from '../request-context.js';
import { reject } from '../respond.js';
import { BodyRateWatchdog } from './body-rate-watchdog.js';
import { prefetchBody, stopPrefetch, type PrefetchedBody } from './body-prefetch.js';
import type { ClientLimits } from './client-limits.js';
import { ConcurrencyCaps } from './concurrency-caps.js';
import { answerHeaderTimeout, headerTimeoutEvent } from './header-timeout.js';
import { NO_SLOT, UpstreamCapacity } from './upstream-capacity.js';

/** Sends the request upstream on the given pool; the gateway's own proxying step. */
export type Forward = (ctx: RequestContext, pool: Dispatcher, body: PrefetchedBody | null) => void;

export interface AdmissionOptions {
  limits: ClientLimits;
  upstream: { origin: string; timeoutMs: number };
  forward: Forward;
  service: string;
  source: string;
  trustedProxies: CidrMap<unknown>;
  /** Epoch ms for events (the gateway's clock). */
  nowMs: () => number;
  onEvent: ((event: RequestEvent) => void) | undefined;
}

/** How often the body watchdog looks, and node checks heads: fine enough for the timeouts, never busier than 10/s. */
function tickFor(timeoutMs: number): number {
  return Math.min(1000, Math.max(100, Math.round(timeoutMs / 8)));
}

/**
 * Everything that keeps slow and greedy clients from starving the others, for proxy.ts to call at a few points:
 * per-client concurrency caps (admit), a body that must prove itself before it takes an upstream connection and
 * keep a minimum rate (dispatch and the watchdog), the upstream's reserve and bounded queue (dispatch,
 * upstreamDone), the header timeout (serverOptions, headerTimedOut). Each refusal is answered at once, so its
 * request event is emitted while the attack runs.
 */
export class Admission {
  readonly upstream: UpstreamCapacity;
  readonly caps: ConcurrencyCaps;
  readonly watchdog: BodyRateWatchdog<RequestContext>;
  private readonly limits: ClientLimits;
  private readonly options: AdmissionOptions;
  private readonly timer: NodeJS.Timeout;

  constructor(options: AdmissionOptions) {
    this.options = options;
    this.limits = options.limits;
    this.upstream = new UpstreamCapacity(options.upstream.origin, options.limits, options.upstream.timeoutMs);
    this.caps = new ConcurrencyCaps(options.limits.maxConcurrentPerIp, options.limits.maxConcurrentPerPrefix);
    this.watchdog = new BodyRateWatchdog(options.limits.bodyMinRate, options.limits.bodyIdleTimeoutMs, this.tooSlow);
    this.timer = setInterval(() => this.watchdog.tick(performance.now()), tickFor(options.limits.bodyIdleTimeoutMs));
    this.timer.unref();
  }

  /** node:http options: node itself times out request heads; bodies are the watchdog's, so no total request time. */
  static serverOptions(limits: ClientLimits): { headersTimeout: number; requestTimeout: number;
    connectionsCheckingInterval: number } {
    return {
      headersTimeout: limits.headerTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: tickFor(limits.headerTimeoutMs),
    };
  }

  /** The per-client caps, for every route but the exempt ones; false when refused (429 already written). */
  admit(ctx: RequestContext): boolean {
    if (ctx.route?.exempt === true) return true;
    const ip = ctx.ip?.text;
    const prefix = ctx.ipPrefix;
    if (ip === undefined || prefix === null) return true;
    const refused = this.caps.acquire(ip, prefix);
    if (refused === null) {
      ctx.heldIp = ip;
      ctx.heldPrefix = prefix;
      return true;
    }
    ctx.message = refused === 'ip'
      ? `${this.limits.maxConcurrentPerIp} requests in progress from this address`
      : `${this.limits.maxConcurrentPerPrefix} requests in progress from ${prefix}`;
    refuse(ctx, 429, 'too-many-in-progress', refused === 'ip'
      ? 'Too many requests from your address are in progress; retry when one has finished.'
      : 'Too many requests from your network are in progress; retry when one has finished.',
    'concurrency-limited', refused === 'ip' ? 'concurrency:per-ip' : 'concurrency:per-prefix', 1);
    return false;
  }

  /** Sends the request on once its body (if any) has shown itself; answers 503 when the upstream queue is full. */
  dispatch(ctx: RequestContext): void {
    const headers = ctx.req.headers;
    const hasBody = headers['transfer-encoding'] !== undefined
      || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
    if (!hasBody) return this.toUpstream(ctx, null);
    this.watchdog.watch(ctx, performance.now());
    prefetchBody(ctx.req, this.limits.bodyPrefetch, ctx, this.bodyReady);
  }

  /** The upstream exchange ended (streamDone, or a dispatch that threw): frees its place. */
  upstreamDone(ctx: RequestContext): void {
    this.upstream.release(ctx.upstreamSlot);
    ctx.upstreamSlot = NO_SLOT;
  }

  /** The response closed: frees the caps. A body still arriving is read and dropped only while it keeps its rate. */
  finished(ctx: RequestContext): void {
    if (ctx.heldIp !== null) {
      this.caps.release(ctx.heldIp, ctx.heldPrefix ?? '');
      ctx.heldIp = null;
      ctx.heldPrefix = null;
    }
    const req = ctx.req;
    if (req.complete) return;
    if (stopPrefetch(req)) req.resume();
    if (!ctx.socket.destroyed) this.watchdog.watch(ctx, performance.now());
  }

  /** node:http timed a request head out (clientError ERR_HTTP_REQUEST_TIMEOUT). */
  headerTimedOut(socket: Socket): void {
    answerHeaderTimeout(socket);
    const o = this.options;
    o.onEvent?.(headerTimeoutEvent(socket, o.service, o.source, o.trustedProxies, o.nowMs(),
      this.limits.headerTimeoutMs));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.upstream.close();
  }

  private readonly bodyReady = (ctx: RequestContext, body: PrefetchedBody): void => {
    if (ctx.done || ctx.res.writableEnded) return;
    // A body that arrived whole needs no more watching; a streamed one is watched until its last byte.
    if (Buffer.isBuffer(body)) this.watchdog.unwatch(ctx);
    this.toUpstream(ctx, body);
  };

  private toUpstream(ctx: RequestContext, body: PrefetchedBody | null): void {
    const slot = this.upstream.acquire(ctx.route?.exempt === true);
    if (slot === NO_SLOT) {
      ctx.message = 'upstream connections and queue full';
      return refuse(ctx, 503, 'upstream-busy', 'The service is busy; please retry shortly.', 'overloaded',
        'upstream:queue-full', 5);
    }
    ctx.upstreamSlot = slot;
    this.options.forward(ctx, this.upstream.pool(slot), body);
  }

  private readonly tooSlow = (ctx: RequestContext): void => {
    if (ctx.done) {
      // Its response is long sent; this is the rest of a refused body trickling in. Stop reading it.
      ctx.socket.destroy();
      return;
    }
    stopPrefetch(ctx.req);
    ctx.message = `request body below ${this.limits.bodyMinRate} bytes/s over ${this.limits.bodyIdleTimeoutMs / 1000} s`;
    ctx.res.shouldKeepAlive = false;
    reject(ctx, { status: 408, code: 'request-timeout', message: 'The request body arrived too slowly.',
      decision: 'slow-client', rule: 'slow-client:body-rate', retryAfterSeconds: null });
    if (ctx.upstreamSlot === NO_SLOT) return;
    // Cancel the upstream request once the 408 is out: cancelling destroys the request stream, and the socket.
    if (ctx.res.writableFinished) ctx.abortUpstream();
    else ctx.res.once('finish', () => ctx.abortUpstream());
  };
}

function refuse(ctx: RequestContext, status: number, code: string, message: string, decision: Decision, rule: string,
  retryAfterSeconds: number): void {
  reject(ctx, { status, code, message, decision, rule, retryAfterSeconds });
}
