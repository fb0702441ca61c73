import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestContext } from './request-context.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded. `expect` is answered
 * by node:http itself (100 Continue) and undici refuses it; `host` is set by undici for the upstream.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate',
  'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host']);
const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']);

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
 * headers from an untrusted peer are dropped rather than passed on, so the app cannot be fooled either.
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
    out[name] = value;
  }
  const peer = ctx.req.socket.remoteAddress ?? '';
  const prior = ctx.peerTrusted ? incoming['x-forwarded-for'] : undefined;
  out['x-forwarded-for'] = prior === undefined ? peer : `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}`;
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

/**
 * RateLimit-Policy / RateLimit (draft-ietf-httpapi-ratelimit-headers: `"name";q=100;w=60` and
 * `"name";r=42;t=17`) for the limits that ask for them, and X-RateLimit-Limit/Remaining/Reset (Reset in
 * seconds from now) from the tightest limit that asks for those.
 */
export function setRateLimitHeaders(ctx: RequestContext, res: ServerResponse | OutgoingHeadersSink): void {
  const outcomes = ctx.rate;
  if (outcomes === null) return;
  let policies = '';
  let states = '';
  let tightest: (typeof outcomes)[number] | null = null;
  for (const o of outcomes) {
    if (o.limit.ietf) {
      const t = Math.ceil((o.decision.allowed ? o.decision.resetMs : o.decision.retryAfterMs) / 1000);
      policies += policies === '' ? o.policy : `, ${o.policy}`;
      const member = `"${o.limit.name}";r=${o.decision.remaining};t=${t}`;
      states += states === '' ? member : `, ${member}`;
    }
    if (o.limit.xRateLimit && (tightest === null || o.decision.remaining < tightest.decision.remaining)) tightest = o;
  }
  if (policies !== '') {
    res.setHeader('ratelimit-policy', policies);
    res.setHeader('ratelimit', states);
  }
  if (tightest !== null) {
    const d = tightest.decision;
    res.setHeader('x-ratelimit-limit', String(tightest.quota));
    res.setHeader('x-ratelimit-remaining', String(d.remaining));
    res.setHeader('x-ratelimit-reset', String(Math.ceil((d.allowed ? d.resetMs : d.retryAfterMs) / 1000)));
  }
}

interface OutgoingHeadersSink {
  setHeader(name: string, value: string): unknown;
}

export type { OutgoingHttpHeaders };
