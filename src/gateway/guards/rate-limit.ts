import type { CompiledLimit } from '../config.js';
import { policyMember } from '../config.js';
import type { RequestContext } from '../request-context.js';
import type { RateDecision, RatePolicy } from '../state/rate-limiter.js';
import type { Guard, GuardDeps, Rejection, Verdict } from './guard.js';
import { seconds } from './guard.js';

/**
 * Counts the request against every limit on its route (or the route-less limits for an unmatched path), keyed
 * by IP, prefix, token hash, subject, tenant, route or globally; a temporary override from the state replaces
 * the playbook's numbers until it expires. Outcomes stay on the context for the RateLimit headers.
 */
export function rateLimitGuard({ config, state, limiter }: GuardDeps): Guard {
  function run(ctx: RequestContext, limits: readonly CompiledLimit[], from: number): Verdict | Promise<Verdict> {
    for (let i = from; i < limits.length; i++) {
      const limit = limits[i] as CompiledLimit;
      const key = keyOf(ctx, limit);
      if (key === null) continue;
      const override = state.limitOverride(limit.name, ctx.time);
      const quota = override?.limit ?? limit.limit;
      const windowMs = override?.windowMs ?? limit.windowMs;
      const burst = override?.burst ?? limit.burst;
      const policy = override === null ? limit.policy : policyMember(limit.name, quota, windowMs);
      // Without an override the compiled limit is the policy (same limit/windowMs/burst): no object per request.
      const rate: RatePolicy = override === null ? limit : { limit: quota, windowMs, burst };
      const result = limiter.consume(limit.name, key, rate, ctx.time);
      if (result instanceof Promise) {
        return result.then((decision) => record(ctx, limit, quota, windowMs, policy, decision) ?? run(ctx, limits, i + 1));
      }
      const rejection = record(ctx, limit, quota, windowMs, policy, result);
      if (rejection !== null) return rejection;
    }
    return null;
  }

  return {
    name: 'rate-limit',
    check(ctx) {
      if (ctx.route?.exempt === true) return null;
      const limits = ctx.route === null ? config.unmatchedLimits : ctx.route.limits;
      return limits.length === 0 ? null : run(ctx, limits, 0);
    },
  };
}

function record(ctx: RequestContext, limit: CompiledLimit, quota: number, windowMs: number, policy: string,
  decision: RateDecision): Rejection | null {
  if (limit.shadow) {
    // Tried out, not enforced: the event and the metric say it would have refused; the client sees nothing.
    if (!decision.allowed) ctx.shadowLimited ??= limit.name;
    return null;
  }
  (ctx.rate ??= []).push({ limit, quota, windowMs, policy, decision });
  if (decision.allowed) return null;
  return {
    status: 429,
    code: 'rate-limited',
    message: 'Too many requests; retry later.',
    decision: 'rate-limited',
    rule: `rate-limit:${limit.name}`,
    retryAfterSeconds: seconds(decision.retryAfterMs),
  };
}

function keyOf(ctx: RequestContext, limit: CompiledLimit): string | null {
  switch (limit.key) {
    case 'ip':
      return ctx.ip?.text ?? null;
    case 'ip_prefix':
      return ctx.ipPrefix;
    case 'token':
      return ctx.tokenHash;
    case 'subject':
      return ctx.subject;
    case 'tenant':
      return ctx.tenant;
    case 'route':
      return ctx.route?.name ?? null;
    case 'global':
      return '*';
  }
}
