import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Decision } from '../domain/request-event.js';
import type { ForwardingHeader } from './client-ip.js';
import type { CompiledLimit, CompiledRoute, TokenRule } from './config.js';
import type { ParsedIp } from '../shared/net/index.js';
import type { RateDecision } from './state/rate-limiter.js';

export interface RateOutcome {
  limit: CompiledLimit;
  /** The limit in force (an override may change it). */
  quota: number;
  windowMs: number;
  policy: string;
  decision: RateDecision;
}

/**
 * Everything one request carries through the guards and into its event. A class with every field set in the
 * constructor keeps one hidden class for V8. The raw token lives here and nowhere else: events get the hash.
 */
export class RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Kept here because req.socket is detached once the response is done. */
  readonly socket: Socket;
  /** Epoch ms from the gateway's clock: the event's time and every guard's "now". */
  readonly time: number;
  /** performance.now() at arrival, for the duration. */
  readonly started: number;
  readonly bytesInStart: number;
  readonly bytesOutStart: number;
  /** The canonical path (src/shared/http/canonical-path.ts), or the raw one when it was refused. */
  path = '';
  /** The path for the event with the path token as its preview; null: every long segment previewed instead. */
  eventPath: string | null = null;
  query: string | null = null;
  /** What is forwarded: the upstream base path, the canonical path and the query as received. */
  upstreamPath = '';
  route: CompiledRoute | null = null;
  params: string[] | null = null;
  ip: ParsedIp | null = null;
  ipPrefix: string | null = null;
  spoofedForwardedFor = false;
  peerTrusted = false;
  /** The header the trusted peer writes; the other forwarding headers are not passed on. */
  proxyHeader: ForwardingHeader | null = null;
  /** X-Forwarded-For for the upstream, from the judged client on (ClientIp.forwardedFor). */
  forwardedFor = '';
  token: string | null = null;
  /** The token rule whose query parameter came twice with different values (refused, see extract-token.ts). */
  ambiguousToken: string | null = null;
  tokenHash: string | null = null;
  tokenPreview: string | null = null;
  /** The JWT rule whose signature still has to be checked before the guards run. */
  pendingJwt: Extract<TokenRule, { kind: 'jwt' }> | null = null;
  jti: string | null = null;
  subject: string | null = null;
  tenant: string | null = null;
  /** The app's event id, from its scope header on the response (scope-headers.ts). */
  event: string | null = null;
  /** JWT iat in epoch seconds; null for join tokens or a JWT without it. */
  issuedAt: number | null = null;
  decision: Decision = 'allowed';
  rule: string | null = null;
  message: string | null = null;
  rate: RateOutcome[] | null = null;
  /** The first shadow rate limit this request exceeded: it would have been refused (429) by that limit. */
  shadowLimited: string | null = null;
  /** performance.now() when the request was handed to the upstream, and how long its response head took. */
  forwardedAt = 0;
  upstreamMs: number | null = null;
  done = false;
  // Admission (src/gateway/admission): what this request holds, each released once.
  /** The address and prefix counted by the concurrency caps, until the response closes. */
  heldIp: string | null = null;
  heldPrefix: string | null = null;
  /** Its place in an upstream pool (UpstreamSlot), until the upstream exchange ends. */
  upstreamSlot: 0 | 1 | 2 = 0;
  /**
   * The context is also the "signal" undici is given for the upstream request (it accepts any object with
   * once/removeListener): one plain field instead of an 'abort' listener on the response per request.
   */
  readonly aborted = false;
  private abortListener: (() => void) | null = null;

  constructor(req: IncomingMessage, res: ServerResponse, time: number, started: number) {
    this.req = req;
    this.res = res;
    this.time = time;
    this.started = started;
    this.socket = req.socket;
    this.bytesInStart = req.socket.bytesRead;
    this.bytesOutStart = req.socket.bytesWritten;
  }

  /** undici checks that its signal has on(); it registers through once(). One listener at most: one request. */
  on(_event: 'abort', listener: () => void): this {
    this.abortListener = listener;
    return this;
  }

  once(_event: 'abort', listener: () => void): this {
    this.abortListener = listener;
    return this;
  }

  removeListener(_event: 'abort', listener: () => void): this {
    if (this.abortListener === listener) this.abortListener = null;
    return this;
  }

  /** Cancels the upstream request, if one is still running. */
  abortUpstream(): void {
    const listener = this.abortListener;
    this.abortListener = null;
    listener?.();
  }
}
