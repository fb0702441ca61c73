import { createPublicKey, type KeyObject } from 'node:crypto';
import { parseDuration } from '../shared/duration.js';
import { RampartError } from '../shared/errors.js';
import { compileClientLimits, type ClientLimits } from './admission/client-limits.js';
import { CidrMap, parseCidr } from '../shared/net/index.js';
import { FORWARDING_HEADERS, type ForwardingHeader, type TrustedProxies } from './client-ip.js';
import { LIMIT_KEYS, type GatewayConfigInput, type LimitKey, type TokenInput } from './config-input.js';
import { compileRouteMatcher, type RouteMatcher } from './route-matcher.js';

export type { GatewayConfigInput, LimitKey, RateLimitInput, TokenInput } from './config-input.js';

/** What the gateway runs on: validated once, with every pattern, CIDR and duration already compiled. */
export interface GatewayConfig {
  service: string;
  upstream: { origin: string; basePath: string; timeoutMs: number };
  routes: CompiledRoute[];
  matcher: RouteMatcher;
  /** Limits without a route list; they also apply to paths that match no route. */
  unmatchedLimits: CompiledLimit[];
  /** Trusted proxy ranges, each with the forwarding header its proxy writes. */
  trustedProxies: TrustedProxies;
  /** Query, header and JWT rules, tried on every request after the route's path tokens. */
  tokens: TokenRule[];
  limits: CompiledLimit[];
  switches: CompiledSwitch[];
  maintenance: { banner: string; retryAfterMs: number };
  /** Timeouts, caps and upstream capacity against slow and greedy clients (src/gateway/admission). */
  clientLimits: ClientLimits;
  /** Lower-case response header names the app names the tenant and event in (scope-headers.ts); null: none. */
  scopeHeaders: { tenant: string | null; event: string | null } | null;
}

export interface CompiledRoute {
  index: number;
  name: string;
  pattern: string;
  exempt: boolean;
  switches: CompiledSwitch[];
  limits: CompiledLimit[];
  /** Path tokens on this route: which parameter holds which token kind. */
  pathTokens: { name: string; paramIndex: number }[];
}

export interface CompiledSwitch {
  name: string;
  description: string;
  message: string;
}

export interface CompiledLimit {
  name: string;
  key: LimitKey;
  limit: number;
  windowMs: number;
  burst: number;
  ietf: boolean;
  xRateLimit: boolean;
  /** Counts and records what it would refuse, never refuses and never shows in the RateLimit headers. */
  shadow: boolean;
  /** The RateLimit-Policy member, built once: `"per-ip";q=100;w=60`. */
  policy: string;
}

export type TokenRule =
  | { kind: 'query'; name: string; param: string }
  | { kind: 'header'; name: string; header: string }
  | { kind: 'jwt'; name: string; header: string; claims: JwtClaimNames; verify: JwtVerification | null };

export interface JwtClaimNames {
  jti: string;
  subject: string;
  issuedAt: string;
  tenant: string | null;
}

export interface JwtVerification {
  algorithms: string[];
  key: KeyObject | Uint8Array;
}

const ALGORITHMS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

/** Compiles and validates; throws RAMPART_CONFIG naming the first bad rule (never later, per request). */
export function compileGatewayConfig(
  input: GatewayConfigInput,
  env: Record<string, string | undefined> = process.env,
): GatewayConfig {
  const fail = (path: string, message: string): never => {
    throw new RampartError('RAMPART_CONFIG', `gateway config: ${path}: ${message}`, [{ path, message }]);
  };
  const gw = input.gateway ?? {};
  const serviceName = input.service?.name;
  if (typeof serviceName !== 'string' || serviceName === '') fail('service.name', 'is required');

  let upstreamUrl: URL | undefined;
  try {
    upstreamUrl = new URL(input.service.upstream.url);
  } catch {
    fail('service.upstream.url', `"${String(input.service.upstream?.url)}" is not a URL`);
  }
  const url = upstreamUrl as URL;
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail('service.upstream.url', 'must be http or https');
  const timeoutMs = duration(input.service.upstream.timeout ?? '30s', 'service.upstream.timeout', fail);

  const routeInputs = input.service.routes ?? [];
  unique(
    routeInputs.map((r) => r.name),
    'service.routes',
    fail,
  );
  let matcher: RouteMatcher | undefined;
  try {
    matcher = compileRouteMatcher(routeInputs);
  } catch (error) {
    fail('service.routes', (error as Error).message);
  }
  const routeIndex = new Map(routeInputs.map((r, i) => [r.name, i]));
  const routeRef = (name: string, path: string): number =>
    routeIndex.get(name) ?? fail(path, `names unknown route "${name}"`);

  const trustedProxies: TrustedProxies = new CidrMap<ForwardingHeader>();
  (gw.trusted_proxies ?? []).forEach((entry, i) => {
    const path = `gateway.trusted_proxies[${i}]`;
    const text = typeof entry === 'string' ? entry : entry?.cidr;
    const header = typeof entry === 'string' ? 'x-forwarded-for' : (entry?.header ?? 'x-forwarded-for');
    const cidr = parseCidr(String(text));
    if (!cidr) fail(typeof entry === 'string' ? path : `${path}.cidr`, `"${text}" is not an IPv4/IPv6 address or CIDR`);
    else if (!FORWARDING_HEADERS.includes(header)) {
      fail(`${path}.header`, `"${String(header)}" is not one of ${FORWARDING_HEADERS.join(', ')}`);
    } else trustedProxies.set(cidr, header);
  });

  const exempt = new Set((gw.exempt_routes ?? []).map((n, i) => routeRef(n, `gateway.exempt_routes[${i}]`)));
  const routes: CompiledRoute[] = routeInputs.map((r, index) => ({
    index,
    name: r.name,
    pattern: r.pattern,
    exempt: exempt.has(index),
    switches: [],
    limits: [],
    pathTokens: [],
  }));

  const tokens: TokenRule[] = [];
  unique(
    (gw.tokens ?? []).map((t) => t.name),
    'gateway.tokens',
    fail,
  );
  (gw.tokens ?? []).forEach((t, i) => {
    const path = `gateway.tokens[${i}]`;
    if (t.in === 'path') {
      if (!Array.isArray(t.routes) || t.routes.length === 0) fail(`${path}.routes`, 'lists no route');
      t.routes.forEach((name, j) => {
        const index = routeRef(name, `${path}.routes[${j}]`);
        const names = (matcher as RouteMatcher).paramNames[index] ?? [];
        const param = t.param ?? (names.includes('token') || names.length !== 1 ? 'token' : names[0]);
        const paramIndex = names.indexOf(param ?? 'token');
        if (paramIndex === -1) fail(`${path}.routes[${j}]`, `route "${name}" has no {${param}} parameter`);
        routes[index]?.pathTokens.push({ name: t.name, paramIndex });
      });
    } else if (t.in === 'query') {
      if (!t.param) fail(`${path}.param`, 'is required');
      tokens.push({ kind: 'query', name: t.name, param: t.param });
    } else if (t.in === 'header') {
      if (!/^[A-Za-z0-9-]+$/.test(t.header ?? '')) fail(`${path}.header`, 'is not a header name');
      tokens.push({ kind: 'header', name: t.name, header: t.header.toLowerCase() });
    } else if (t.in === 'jwt') {
      tokens.push(compileJwt(t, path, env, fail));
    } else {
      fail(`${path}.in`, `"${(t as { in: string }).in}" is not path, query, header or jwt`);
    }
  });

  const switches: CompiledSwitch[] = [];
  unique(
    (gw.switches ?? []).map((s) => s.name),
    'gateway.switches',
    fail,
  );
  (gw.switches ?? []).forEach((s, i) => {
    const compiled = {
      name: s.name,
      description: s.description ?? '',
      message: s.message ?? `${s.name} is switched off for now.`,
    };
    switches.push(compiled);
    (s.routes ?? []).forEach((n, j) =>
      routes[routeRef(n, `gateway.switches[${i}].routes[${j}]`)]?.switches.push(compiled),
    );
  });

  const limits: CompiledLimit[] = [];
  const unmatchedLimits: CompiledLimit[] = [];
  unique(
    (gw.rate_limits ?? []).map((l) => l.name),
    'gateway.rate_limits',
    fail,
  );
  (gw.rate_limits ?? []).forEach((l, i) => {
    const path = `gateway.rate_limits[${i}]`;
    if (!/^[A-Za-z0-9_.-]+$/.test(l.name ?? ''))
      fail(`${path}.name`, 'must be letters, digits, "_", "." or "-"');
    if (!LIMIT_KEYS.includes(l.key)) fail(`${path}.key`, `"${l.key}" is not one of ${LIMIT_KEYS.join(', ')}`);
    if (!Number.isInteger(l.limit) || l.limit < 1) fail(`${path}.limit`, 'must be a positive integer');
    const burst = l.burst ?? 0;
    if (!Number.isInteger(burst) || burst < 0) fail(`${path}.burst`, 'must be a non-negative integer');
    const windowMs = duration(l.window, `${path}.window`, fail);
    const headers = l.headers ?? ['ietf'];
    headers.forEach((h, j) => {
      if (h !== 'ietf' && h !== 'x-ratelimit')
        fail(`${path}.headers[${j}]`, `"${String(h)}" is not ietf or x-ratelimit`);
    });
    const compiled: CompiledLimit = {
      name: l.name,
      key: l.key,
      limit: l.limit,
      windowMs,
      burst,
      ietf: headers.includes('ietf'),
      xRateLimit: headers.includes('x-ratelimit'),
      shadow: l.shadow === true,
      policy: policyMember(l.name, l.limit, windowMs),
    };
    limits.push(compiled);
    if (l.routes === undefined) {
      unmatchedLimits.push(compiled);
      for (const route of routes) route.limits.push(compiled);
    } else {
      l.routes.forEach((n, j) => routes[routeRef(n, `${path}.routes[${j}]`)]?.limits.push(compiled));
    }
  });

  return {
    service: serviceName,
    upstream: { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), timeoutMs },
    routes,
    matcher: matcher as RouteMatcher,
    unmatchedLimits,
    trustedProxies,
    tokens,
    limits,
    switches,
    maintenance: {
      banner: gw.maintenance?.banner ?? 'The service is down for maintenance. Please try again later.',
      retryAfterMs: duration(gw.maintenance?.retry_after ?? '5m', 'gateway.maintenance.retry_after', fail),
    },
    clientLimits: compileClientLimits(gw.client_limits, exempt.size > 0, fail),
    scopeHeaders:
      gw.scope_headers?.tenant || gw.scope_headers?.event
        ? {
            tenant: gw.scope_headers.tenant?.toLowerCase() ?? null,
            event: gw.scope_headers.event?.toLowerCase() ?? null,
          }
        : null,
  };
}

/** A member of RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers): quota q per window w seconds. */
export function policyMember(name: string, limit: number, windowMs: number): string {
  return `"${name}";q=${limit};w=${Math.max(1, Math.ceil(windowMs / 1000))}`;
}

type Fail = (path: string, message: string) => never;

function duration(text: unknown, path: string, fail: Fail): number {
  // Text such as "30s", or milliseconds as the playbook loader already parsed them.
  const ms =
    typeof text === 'string'
      ? parseDuration(text)
      : typeof text === 'number' && Number.isFinite(text) && text > 0
        ? text
        : undefined;
  return ms ?? fail(path, `"${String(text)}" is not a duration like 30s, 5m or 1h`);
}

function unique(names: string[], path: string, fail: Fail): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') fail(`${path}[${i}].name`, 'is required');
    if (seen.has(name)) fail(`${path}[${i}].name`, `"${name}" is declared twice`);
    seen.add(name);
  });
}

function compileJwt(
  t: Extract<TokenInput, { in: 'jwt' }>,
  path: string,
  env: Record<string, string | undefined>,
  fail: Fail,
): TokenRule {
  const claims: JwtClaimNames = {
    jti: t.claims?.jti ?? 'jti',
    subject: t.claims?.subject ?? 'sub',
    issuedAt: t.claims?.issued_at ?? 'iat',
    tenant: t.claims?.tenant ?? null,
  };
  let verify: JwtVerification | null = null;
  if (t.verify) {
    const algorithms = t.verify.algorithms ?? [];
    if (algorithms.length === 0) fail(`${path}.verify.algorithms`, 'lists no algorithm');
    algorithms.forEach((a, j) => {
      if (!ALGORITHMS.has(a))
        fail(`${path}.verify.algorithms[${j}]`, `"${a}" is not a supported JWS algorithm`);
    });
    const hmac = algorithms.every((a) => a.startsWith('HS'));
    if (!hmac && algorithms.some((a) => a.startsWith('HS'))) {
      fail(`${path}.verify.algorithms`, 'mixes HMAC and public-key algorithms');
    }
    const envName = hmac ? t.verify.secret_env : t.verify.public_key_env;
    const field = hmac ? 'secret_env' : 'public_key_env';
    if (!envName) fail(`${path}.verify.${field}`, `is required for ${algorithms.join(', ')}`);
    const value = env[envName];
    if (!value) fail(`${path}.verify.${field}`, `environment variable ${envName} is not set`);
    let key: KeyObject | Uint8Array | undefined;
    if (hmac) key = new TextEncoder().encode(value);
    else {
      try {
        key = createPublicKey(value);
      } catch {
        fail(`${path}.verify.${field}`, `environment variable ${envName} is not a PEM public key`);
      }
    }
    verify = { algorithms, key: key };
  }
  return { kind: 'jwt', name: t.name, header: (t.header ?? 'authorization').toLowerCase(), claims, verify };
}
