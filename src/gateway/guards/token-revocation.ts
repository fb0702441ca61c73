import type { RequestContext } from '../request-context.js';
import type { Guard, GuardDeps, Rejection } from './guard.js';

/**
 * 401 for a revoked token: by keyed hash, by JWT id, or by an "issued before" epoch for its subject or for
 * everyone. The epochs revoke every session without touching the app's signing secret. A JWT without iat
 * cannot prove it is newer than an epoch, so an epoch revokes it too (fail closed).
 */
export function tokenRevocationGuard({ state }: GuardDeps): Guard {
  return {
    name: 'token-revocation',
    check(ctx) {
      if (ctx.tokenHash === null) return null;
      const byHash = state.tokenRevokedBy(ctx.tokenHash, ctx.time);
      if (byHash !== null) return revoked(`revoke-token:${byHash}`);
      if (ctx.jti !== null) {
        const byJti = state.jtiRevokedBy(ctx.jti, ctx.time);
        if (byJti !== null) return revoked(`revoke-jti:${byJti}`);
      }
      if (ctx.subject !== null && issuedBefore(ctx, state.subjectRevokedBefore(ctx.subject, ctx.time))) {
        return revoked('revoke-subject');
      }
      if (isJwt(ctx) && issuedBefore(ctx, state.globalRevokedBefore(ctx.time))) return revoked('revoke-all');
      return null;
    },
  };
}

function isJwt(ctx: RequestContext): boolean {
  return ctx.subject !== null || ctx.jti !== null || ctx.issuedAt !== null;
}

/** iat has whole seconds: a token from the same second as the epoch counts as issued before it. */
function issuedBefore(ctx: RequestContext, epoch: number | null): boolean {
  if (epoch === null) return false;
  return ctx.issuedAt === null || ctx.issuedAt * 1000 < epoch + 1000;
}

function revoked(rule: string): Rejection {
  return {
    status: 401,
    code: 'revoked',
    message: 'This token has been revoked.',
    decision: 'revoked',
    rule,
    retryAfterSeconds: null,
  };
}
