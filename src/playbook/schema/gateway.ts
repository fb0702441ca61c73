import { z } from 'zod';
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
  description: z.string().optional(),
});

export const switchSchema = z.strictObject({
  name: idSchema,
  routes: z.array(idSchema).min(1),
  description: z.string().optional(),
  message: z.string().optional(),
});

export const gatewaySchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535, { message: 'a TCP port 0-65535' }),
    })
    .optional(),
  trusted_proxies: z.array(cidrSchema).default([]),
  exempt_routes: z.array(idSchema).default([]),
  tokens: z.array(tokenKindSchema).default([]),
  rate_limits: z.array(rateLimitSchema).default([]),
  switches: z.array(switchSchema).default([]),
  maintenance: z
    .strictObject({
      banner: textSchema,
      retry_after: durationSchema.prefault('5m'),
    })
    .optional(),
});
