import { z } from 'zod';
import { CLIENT_LIMIT_MAXIMA as MAX, DEFAULT_CLIENT_LIMITS } from '../../domain/client-limits.js';
import { cidrSchema, durationSchema, envNameSchema, idSchema, positiveIntSchema, textSchema } from './primitives.js';

const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]+$/, { message: 'an HTTP header name' })
  .transform((name) => name.toLowerCase());

const pathTokenSchema = z.strictObject({
  name: idSchema,
  in: z.literal('path'),
  routes: z.array(idSchema).min(1),
  /** Which `{param}` of those routes holds the token. */
  param: z.string().default('token'),
});

const queryTokenSchema = z.strictObject({
  name: idSchema,
  in: z.literal('query'),
  param: z.string().min(1),
  routes: z.array(idSchema).min(1).optional(),
});

const headerTokenSchema = z.strictObject({
  name: idSchema,
  in: z.literal('header'),
  header: headerNameSchema,
  /** E.g. "Bearer": stripped before the token is hashed. */
  scheme: z.string().optional(),
  routes: z.array(idSchema).min(1).optional(),
});

const cookieTokenSchema = z.strictObject({
  name: idSchema,
  in: z.literal('cookie'),
  cookie: z.string().min(1),
  routes: z.array(idSchema).min(1).optional(),
});

const jwtVerifySchema = z
  .strictObject({
    algorithms: z.array(z.enum(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'])).min(1),
    secret_env: envNameSchema.optional(),
    public_key_env: envNameSchema.optional(),
    issuer: z.string().optional(),
    audience: z.string().optional(),
  })
  .refine((v) => (v.secret_env === undefined) !== (v.public_key_env === undefined), {
    message: 'exactly one of secret_env or public_key_env',
  });

const jwtTokenSchema = z.strictObject({
  name: idSchema,
  in: z.literal('jwt'),
  header: headerNameSchema.default('authorization'),
  cookie: z.string().optional(),
  claims: z
    .strictObject({
      jti: z.string().default('jti'),
      subject: z.string().default('sub'),
      issued_at: z.string().default('iat'),
      tenant: z.string().optional(),
    })
    .prefault({}),
  verify: jwtVerifySchema.optional(),
  routes: z.array(idSchema).min(1).optional(),
});

export const tokenKindSchema = z.discriminatedUnion('in', [
  pathTokenSchema,
  queryTokenSchema,
  headerTokenSchema,
  cookieTokenSchema,
  jwtTokenSchema,
]);

export const RATE_LIMIT_KEYS = ['ip', 'ip_prefix', 'token', 'subject', 'tenant', 'route', 'global'] as const;

export const rateLimitSchema = z.strictObject({
  name: idSchema,
  key: z.enum(RATE_LIMIT_KEYS),
  /** For key token: which token kind; default the first one the request carries. */
  token: idSchema.optional(),
  routes: z.array(idSchema).min(1).optional(),
  limit: positiveIntSchema,
  window: durationSchema,
  burst: z.number().int().nonnegative().default(0),
  headers: z.array(z.enum(['ietf', 'x-ratelimit'])).default(['ietf']),
  /** Count what the limit would refuse (event field shadowLimited, metric) without refusing: trying a limit out. */
  shadow: z.boolean().default(false),
  description: z.string().optional(),
});

export const switchSchema = z.strictObject({
  name: idSchema,
  routes: z.array(idSchema).min(1),
  description: z.string().optional(),
  message: z.string().optional(),
});

const limitDuration = (maxMs: number) =>
  durationSchema
    .refine((ms) => ms >= 1000, { message: 'a duration of at least 1s' })
    .refine((ms) => ms <= maxMs, { message: `a duration of at most ${maxMs / 60_000}m` });
const limitCount = (min: 0 | 1, max: number) =>
  z
    .number()
    .int({ message: 'a whole number' })
    .min(min, { message: `a number >= ${min}` })
    .max(max, { message: `a number <= ${max}` });

/**
 * Against slow and greedy clients (src/gateway/admission). Every field is optional; the gateway fills in its
 * defaults (DEFAULT_CLIENT_LIMITS in src/domain/client-limits.ts, where the reasons for each number are).
 */
export const clientLimitsSchema = z
  .strictObject({
    /** Time to receive a whole request head; 408 after it. Default 20s. */
    header_timeout: limitDuration(MAX.headerTimeoutMs).optional(),
    /** A body must average body_min_rate over any span this long; a complete stall this long ends it. Default 20s. */
    body_idle_timeout: limitDuration(MAX.bodyIdleTimeoutMs).optional(),
    /** Bytes per second a request body must keep up. Default 500. */
    body_min_rate: limitCount(1, MAX.bodyMinRate).optional(),
    /** Bytes of a body received before it may take an upstream connection; 0 streams from the first byte. Default 65536. */
    body_prefetch: limitCount(0, MAX.bodyPrefetch).optional(),
    /** Requests in progress from one client address (429 beyond). Default 512. */
    max_concurrent_per_ip: limitCount(1, MAX.maxConcurrentPerIp).optional(),
    /** Requests in progress from one /24 (IPv4) or /64 (IPv6) (429 beyond). Default 2048. */
    max_concurrent_per_prefix: limitCount(1, MAX.maxConcurrentPerPrefix).optional(),
    /** Keep-alive connections to the upstream, the reserve included. Default 128. */
    upstream_connections: limitCount(1, MAX.upstreamConnections).optional(),
    /** Of those, kept for exempt routes (health checks). Default 8. */
    reserve_for_exempt: limitCount(0, MAX.reserveForExempt).optional(),
    /** Requests that may wait for an ordinary upstream connection; more get 503 + Retry-After. Default 1024. */
    upstream_queue: limitCount(0, MAX.upstreamQueue).optional(),
  })
  .superRefine((v, ctx) => {
    const connections = v.upstream_connections ?? DEFAULT_CLIENT_LIMITS.upstreamConnections;
    if (v.reserve_for_exempt !== undefined && v.reserve_for_exempt >= connections) {
      ctx.addIssue({
        code: 'custom',
        path: ['reserve_for_exempt'],
        message: `fewer than upstream_connections (${connections}), so ordinary routes keep a connection`,
      });
    }
    const perIp = v.max_concurrent_per_ip ?? DEFAULT_CLIENT_LIMITS.maxConcurrentPerIp;
    if (v.max_concurrent_per_prefix !== undefined && v.max_concurrent_per_prefix < perIp) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_concurrent_per_prefix'],
        message: `at least max_concurrent_per_ip (${perIp}): a prefix holds at least one address`,
      });
    }
  })
  .meta({
    id: 'PlaybookClientLimits',
    description: 'Timeouts, minimum body rate, per-client caps on requests in progress, upstream reserve and queue.',
  });

/**
 * A proxy in front of the gateway. Its range, or its range and the forwarding header it writes: only that header
 * names the client, every other one is ignored (and flagged in the event), whoever wrote it.
 */
const trustedProxySchema = z
  .union([
    cidrSchema,
    z.strictObject({
      cidr: cidrSchema,
      header: z
        .enum(['x-forwarded-for', 'forwarded', 'x-real-ip'], {
          message: 'x-forwarded-for, forwarded or x-real-ip',
        })
        .default('x-forwarded-for')
        .meta({ description: 'The header this proxy writes: x-forwarded-for (default), forwarded (RFC 7239 for=) or x-real-ip.' }),
    }),
  ])
  .meta({
    id: 'PlaybookTrustedProxy',
    description:
      'A trusted proxy range ("10.0.0.0/8", its proxy writes X-Forwarded-For) or { cidr, header } naming the header it writes.',
  });

export const gatewaySchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535, { message: 'a TCP port 0-65535' }),
    })
    .optional(),
  trusted_proxies: z.array(trustedProxySchema).default([]),
  exempt_routes: z.array(idSchema).default([]),
  /** Moved: where tokens sit is said once, in service.tokens, for the gateway and the log parsers alike. */
  tokens: z
    .never({ message: 'no tokens here: token locations are declared once per service, in service.tokens (read by the gateway and the detector alike)' })
    .optional(),
  rate_limits: z.array(rateLimitSchema).default([]),
  switches: z.array(switchSchema).default([]),
  maintenance: z
    .strictObject({
      banner: textSchema,
      retry_after: durationSchema.prefault('5m'),
    })
    .optional(),
  client_limits: clientLimitsSchema.optional(),
  /**
   * Response headers the app sets to say whose request it was (say `X-Tenant-Id`, `X-Event-Id`): the gateway
   * records them in the request's event (the incident scope's tenants and events) and strips them before the
   * client sees them.
   */
  scope_headers: z
    .strictObject({ tenant: headerNameSchema.optional(), event: headerNameSchema.optional() })
    .optional(),
});
