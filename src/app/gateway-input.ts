import type { ClientLimitsInput, GatewayConfigInput, TokenInput } from '../gateway/index.js';
import type { GatewaySpec, Playbook, TokenKindSpec } from '../playbook/index.js';
import { RampartError } from '../shared/errors.js';

export interface GatewayInputOptions {
  env: NodeJS.ProcessEnv;
  /**
   * What to do when a JWT verification secret's variable is unset: "fail" (production: refuse to start) or
   * "read-claims" (the try-it-out mode of `rampart up`: read claims without verifying, and say so loudly).
   */
  missingJwtSecret: 'fail' | 'read-claims';
  warn?: (message: string) => void;
}

function tokenInput(token: TokenKindSpec, file: string, options: GatewayInputOptions): TokenInput {
  switch (token.in) {
    case 'path':
      return { name: token.name, in: 'path', routes: token.routes, param: token.param };
    case 'query':
      return { name: token.name, in: 'query', param: token.param };
    case 'header':
      return { name: token.name, in: 'header', header: token.header };
    case 'jwt': {
      const secretEnv = token.verify?.secret_env ?? token.verify?.public_key_env;
      const verify =
        secretEnv && !options.env[secretEnv] && options.missingJwtSecret === 'read-claims'
          ? undefined
          : token.verify;
      if (token.verify && !verify) {
        options.warn?.(
          `${file}: ${secretEnv ?? ''} is not set, so the gateway reads ${token.name} JWT claims WITHOUT verifying signatures; set it to verify`,
        );
      }
      return {
        name: token.name,
        in: 'jwt',
        header: token.header,
        claims: {
          jti: token.claims.jti,
          subject: token.claims.subject,
          issued_at: token.claims.issued_at,
          ...(token.claims.tenant ? { tenant: token.claims.tenant } : {}),
        },
        ...(verify
          ? {
              verify: {
                algorithms: verify.algorithms,
                ...(verify.secret_env ? { secret_env: verify.secret_env } : {}),
                ...(verify.public_key_env ? { public_key_env: verify.public_key_env } : {}),
              },
            }
          : {}),
      };
    }
    case 'cookie':
      throw new RampartError(
        'RAMPART_PLAYBOOK_INVALID',
        `${file}: service.tokens ${token.name}: cookie tokens are not enforced by the gateway yet`,
      );
  }
}

/** Only the fields the playbook sets: the gateway fills in the rest from its defaults. */
function clientLimitsInput(limits: NonNullable<GatewaySpec['client_limits']>): ClientLimitsInput {
  const out: ClientLimitsInput = {};
  for (const [key, value] of Object.entries(limits) as [keyof ClientLimitsInput, number | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The playbook's service and gateway sections in the shape the gateway compiles. */
export function gatewayInputFromPlaybook(
  playbook: Playbook,
  options: GatewayInputOptions,
  file = playbook.service.name,
): GatewayConfigInput {
  const { service, gateway } = playbook;
  return {
    service: {
      name: service.name,
      upstream: { url: service.upstream.url, timeout: service.upstream.timeout },
      routes: service.routes.map((r) => ({ name: r.name, pattern: r.pattern })),
    },
    ...(gateway
      ? {
          gateway: {
            trusted_proxies: gateway.trusted_proxies,
            exempt_routes: gateway.exempt_routes,
            tokens: service.tokens.map((t) => tokenInput(t, file, options)),
            ...(gateway.scope_headers ? { scope_headers: gateway.scope_headers } : {}),
            rate_limits: gateway.rate_limits.map((l) => ({
              name: l.name,
              key: l.key,
              ...(l.routes ? { routes: l.routes } : {}),
              limit: l.limit,
              window: l.window,
              burst: l.burst,
              headers: l.headers,
              shadow: l.shadow,
            })),
            switches: gateway.switches.map((s) => ({
              name: s.name,
              routes: s.routes,
              ...(s.description ? { description: s.description } : {}),
              ...(s.message ? { message: s.message } : {}),
            })),
            ...(gateway.maintenance
              ? {
                  maintenance: {
                    banner: gateway.maintenance.banner,
                    retry_after: gateway.maintenance.retry_after,
                  },
                }
              : {}),
            ...(gateway.client_limits ? { client_limits: clientLimitsInput(gateway.client_limits) } : {}),
          },
        }
      : {}),
  };
}
