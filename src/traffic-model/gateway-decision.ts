import { gatewayInputFromPlaybook } from '../app/gateway-input.js';
import type { RequestEvent } from '../domain/request-event.js';
import { compileGatewayConfig } from '../gateway/config.js';
import type { GatewayConfig } from '../gateway/config.js';
import { redactLongSegments } from '../gateway/event-path.js';
import { redactQuery } from '../shared/redact-query.js';
import { extractToken } from '../gateway/extract-token.js';
import { rateLimitGuard } from '../gateway/guards/rate-limit.js';
import type { Guard } from '../gateway/guards/guard.js';
import { ipPrefix, parseIp } from '../shared/net/index.js';
import type { RequestContext } from '../gateway/request-context.js';
import { MemoryRateLimiter } from '../gateway/state/memory-rate-limiter.js';
import type { GatewayState } from '../gateway/state/gateway-state.js';
import { TokenHasher } from '../gateway/token-hasher.js';
import type { Playbook } from '../playbook/index.js';
import type { ModelRequest } from './model-request.js';

/**
 * Turns a model request into the event Rampart's gateway would emit for it, with the gateway's own code for
 * what it decides before the app: route matching, token extraction (the playbook's token locations, hashed
 * with the gateway's key), JWT signatures (a forged one is refused, 401), and the rate limits of the playbook
 * (the real rate-limit guard over the in-memory GCRA limiter). Mitigations are not enforced: the score
 * measures what the rules see, not what a block would have hidden.
 */
export interface GatewayModel {
  decide(req: ModelRequest): RequestEvent;
  /** Requests answered 429, by limit name. */
  readonly limited: Map<string, number>;
}

/** Only what the rate-limit guard reads of the state: no overrides in a model run. */
const NO_OVERRIDES = { limitOverride: () => null } as unknown as GatewayState;

export function createGatewayModel(playbook: Playbook, tokenKey: string): GatewayModel {
  const config: GatewayConfig = compileGatewayConfig(
    gatewayInputFromPlaybook(playbook, { env: {}, missingJwtSecret: 'read-claims' }),
    {},
  );
  const hasher = new TokenHasher(tokenKey);
  const guard: Guard = rateLimitGuard({ config, state: NO_OVERRIDES, limiter: new MemoryRateLimiter() });
  const limited = new Map<string, number>();
  const service = playbook.service.name;
  return {
    limited,
    decide(req) {
      // The fields the gateway's helpers read, on a plain object: no socket, no response.
      const ctx = {
        time: req.time,
        path: req.path,
        query: req.query,
        route: null,
        params: null,
        req: { headers: {} },
        ip: null,
        ipPrefix: null,
        token: null,
        tokenHash: null,
        tokenPreview: null,
        pendingJwt: null,
        eventPath: null,
        ambiguousToken: null,
        subject: null,
        tenant: null,
        jti: null,
        issuedAt: null,
        rate: null,
      } as unknown as RequestContext;
      const match = config.matcher.match(req.path);
      if (match !== null) {
        ctx.route = config.routes[match.index] ?? null;
        ctx.params = match.params;
      }
      const ip = parseIp(req.ip);
      ctx.ip = ip;
      ctx.ipPrefix = ip === null ? null : ipPrefix(ip);
      extractToken(ctx, config, hasher);
      if (req.subject !== undefined) ctx.subject = req.subject;
      let status = req.status;
      // An app's own 5xx passes the gateway as allowed; only a failed upstream exchange is an upstream-error.
      let decision: RequestEvent['decision'] = 'allowed';
      let rule: string | null = null;
      if (req.badToken === true) {
        status = 401;
        decision = 'invalid';
        rule = 'token:session';
        ctx.subject = null;
      } else {
        const verdict = guard.check(ctx);
        if (verdict instanceof Promise) throw new Error('the in-memory limiter answers synchronously');
        if (verdict !== null) {
          status = verdict.status;
          decision = verdict.decision;
          rule = verdict.rule;
          const name = verdict.rule.slice('rate-limit:'.length);
          limited.set(name, (limited.get(name) ?? 0) + 1);
        }
      }
      return {
        time: req.time,
        service,
        source: 'gateway',
        method: req.method,
        // As the gateway writes it: the token's preview in place of the token (respond.ts toEvent).
        path: ctx.eventPath ?? redactLongSegments(ctx.path),
        query: redactQuery(ctx.query, ctx.token),
        route: ctx.route?.pattern ?? null,
        host: null,
        status,
        durationMs: decision === 'allowed' ? req.durationMs : 1,
        bytes: decision === 'allowed' ? req.bytes : 60,
        ip: ip?.text ?? null,
        ipPrefix: ctx.ipPrefix,
        tokenHash: ctx.tokenHash,
        tokenPreview: ctx.tokenPreview,
        subject: ctx.subject,
        tenant: ctx.tenant,
        event: null,
        userAgent: req.userAgent,
        decision,
        rule,
        spoofedForwardedFor: req.spoofed === true,
        message: null,
        level: null,
        fields: { routeName: ctx.route?.name ?? null },
      };
    },
  };
}
