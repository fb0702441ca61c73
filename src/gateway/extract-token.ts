import { previewToken } from '../shared/secrets.js';
import type { GatewayConfig, TokenRule } from './config.js';
import { decodeJwtPayload } from './jwt.js';
import type { RequestContext } from './request-context.js';
import type { TokenHasher } from './token-hasher.js';

/** Longer values are not tokens we hash: a hostile client must not make us HMAC megabytes. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Finds the request's token where the playbook says (the route's path parameter first, then query, header,
 * JWT rules in order), and records only its keyed hash and preview plus JWT claims on the context.
 */
export function extractToken(ctx: RequestContext, config: GatewayConfig, hasher: TokenHasher): void {
  let token: string | null = null;
  let rawSegment: string | null = null;
  const route = ctx.route;
  if (route !== null && route.pathTokens.length > 0 && ctx.params !== null) {
    const raw = ctx.params[route.pathTokens[0]?.paramIndex ?? 0];
    if (raw !== undefined) {
      token = decode(raw);
      rawSegment = raw;
    }
  }
  let jwt: Extract<TokenRule, { kind: 'jwt' }> | null = null;
  for (let i = 0; token === null && i < config.tokens.length; i++) {
    const rule = config.tokens[i] as TokenRule;
    if (rule.kind === 'query') {
      const value = ctx.query === null ? null : queryParam(ctx.query, rule.param);
      if (value === AMBIGUOUS) {
        ctx.ambiguousToken = rule.name;
        return;
      }
      token = value;
    }
    else if (rule.kind === 'header') token = headerValue(ctx.req.headers[rule.header]);
    else {
      token = bearer(headerValue(ctx.req.headers[rule.header]));
      if (token !== null) jwt = rule;
    }
  }
  if (token === null || token === '' || token.length > MAX_TOKEN_LENGTH) return;
  ctx.token = token;
  ctx.tokenHash = hasher.hash(token);
  ctx.tokenPreview = previewToken(token);
  // The path goes into the event: it must show the preview, never the token itself (else see eventPath()).
  if (rawSegment !== null) ctx.eventPath = ctx.path.replace(`/${rawSegment}`, `/${ctx.tokenPreview}`);
  if (jwt === null) return;
  const claims = decodeJwtPayload(token);
  if (claims !== null) {
    ctx.jti = stringClaim(claims[jwt.claims.jti]);
    ctx.subject = stringClaim(claims[jwt.claims.subject]);
    ctx.tenant = jwt.claims.tenant === null ? null : stringClaim(claims[jwt.claims.tenant]);
    const iat = claims[jwt.claims.issuedAt];
    ctx.issuedAt = typeof iat === 'number' && Number.isFinite(iat) ? iat : null;
  }
  if (jwt.verify !== null) ctx.pendingJwt = jwt;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : (value[0] ?? null);
}

function bearer(value: string | null): string | null {
  if (value === null) return null;
  if (value.length > 7 && value.charCodeAt(6) === 32 && value.slice(0, 6).toLowerCase() === 'bearer') {
    return value.slice(7).trim();
  }
  return value.includes(' ') ? null : value;
}

function stringClaim(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A query naming the token parameter twice with different values: the gateway and the app could each take one. */
export const AMBIGUOUS = Symbol('ambiguous');

/**
 * Scans the raw query for one parameter without building a URLSearchParams per request. The first value is the
 * token, but PHP and Starlette take the last: a second, different value is AMBIGUOUS, never judged on the first.
 */
function queryParam(query: string, name: string): string | null | typeof AMBIGUOUS {
  let found: string | null = null;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const eq = query.indexOf('=', start);
    if (eq !== -1 && eq < end && eq - start === name.length && query.startsWith(name, start)) {
      const value = decode(query.slice(eq + 1, end).replace(/\+/g, ' '));
      if (found !== null && value !== found) return AMBIGUOUS;
      found = value;
    }
    start = end + 1;
  }
  return found;
}

function decode(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
