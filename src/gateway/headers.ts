import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { CompiledLimit, CompiledRoute } from './config.js';
import type { RequestContext } from './request-context.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded. `expect` is answered
 * by node:http itself (100 Continue) and undici refuses it; `host` is set by undici for the upstream.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate',
  'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host']);
const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-real-ip']);
/** Forwarding headers that name the client: only the one the trusted proxy writes is passed on. */
const CLIENT_NAMING = new Set(['forwarded', 'x-real-ip']);

function connectionNamed(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value.join(',') : value;
  let names: Set<string> | null = null;
  for (const part of text.toLowerCase().split(',')) {
    const name = part.trim();
    if (name !== '' && name !== 'close' && name !== 'keep-alive') (names ??= new Set()).add(name);
  }
  return names;
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop ones, plus X-Forwarded-For/Proto/Host. Forwarding
 * headers from an untrusted peer are dropped rather than passed on, and so are Forwarded and X-Real-IP unless
 * the trusted proxy writes them, so the app cannot be fooled either.
 */
export function upstreamHeaders(ctx: RequestContext): Record<string, string | string[]> {
  const incoming: IncomingHttpHeaders = ctx.req.headers;
  const named = connectionNamed(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('proxy-')) continue;
    if (named?.has(name) === true) continue;
    if (!ctx.peerTrusted && FORWARDING.has(name)) continue;
    if (CLIENT_NAMING.has(name) && name !== ctx.proxyHeader) continue;
    out[name] = value;
  }
  // The chain from the client the guards judged on, never the hops a client wrote itself.
  out['x-forwarded-for'] = ctx.forwardedFor;
  if (out['x-forwarded-proto'] === undefined) {
    out['x-forwarded-proto'] = (ctx.req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  }
  if (out['x-forwarded-host'] === undefined && incoming.host !== undefined) out['x-forwarded-host'] = incoming.host;
  return out;
}

/** Removes hop-by-hop headers from an upstream response, in place. */
export function stripResponseHeaders(headers: Record<string, string | string[] | undefined>): void {
  const named = connectionNamed(headers.connection);
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || name.startsWith('proxy-') || named?.has(name) === true) delete headers[name];
  }
}

/** The RateLimit-Policy value of a route's limits when every one applied at its playbook numbers, built once. */
const routePolicies = new WeakMap<readonly CompiledLimit[], string>();

function routePolicy(limits: readonly CompiledLimit[]): string {
  let value = routePolicies.get(limits);
  if (value === undefined) {
    value = limits.filter((l) => l.ietf).map((l) => l.policy).join(', ');
    routePolicies.set(limits, value);
  }
  return value;
}

type HeaderObject = Record<string, string | string[] | number | undefined>;

/**
 * RateLimit-Policy / RateLimit (draft-ietf-httpapi-ratelimit-headers: `"name";q=100;w=60` and
 * `"name";r=42;t=17`) for the limits that ask for them, and X-RateLimit-Limit/Remaining/Reset (Reset in
 * seconds from now) from the tightest limit that asks for those. Added to the object given to writeHead (one
 * header write instead of five setHeader calls); a header already in it (the upstream's own) is kept.
 */
export function addRateLimitHeaders(ctx: RequestContext, headers: HeaderObject): void {
  const outcomes = ctx.rate;
  if (outcomes === null) return;
  let states = '';
  // Whether the policy string equals the route's precomputed one: every limit counted, none overridden.
  let plain = ctx.route !== null && outcomes.length === ctx.route.limits.length;
  let tightest: (typeof outcomes)[number] | null = null;
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i] as (typeof outcomes)[number];
    if (o.limit.ietf) {
      const t = Math.ceil((o.decision.allowed ? o.decision.resetMs : o.decision.retryAfterMs) / 1000);
      if (o.policy !== o.limit.policy) plain = false;
      const member = `"${o.limit.name}";r=${o.decision.remaining};t=${t}`;
      states = states === '' ? member : `${states}, ${member}`;
    }
    if (o.limit.xRateLimit && (tightest === null || o.decision.remaining < tightest.decision.remaining)) tightest = o;
  }
  if (states !== '') {
    headers['ratelimit-policy'] ??= plain
      ? routePolicy((ctx.route as CompiledRoute).limits)
      : outcomes.filter((o) => o.limit.ietf).map((o) => o.policy).join(', ');
    headers.ratelimit ??= states;
  }
  if (tightest !== null) {
    const d = tightest.decision;
    headers['x-ratelimit-limit'] ??= String(tightest.quota);
    headers['x-ratelimit-remaining'] ??= String(d.remaining);
    headers['x-ratelimit-reset'] ??= String(Math.ceil((d.allowed ? d.resetMs : d.retryAfterMs) / 1000));
  }
}

export type { OutgoingHttpHeaders };
