import type { Guard, GuardDeps } from './guard.js';

/** 403 for a client address inside a blocked IPv4/IPv6 address or CIDR. */
export function ipBlockGuard({ state }: GuardDeps): Guard {
  return {
    name: 'ip-block',
    check(ctx) {
      if (ctx.ip === null) return null;
      const id = state.blockedBy(ctx.ip, ctx.time);
      if (id === null) return null;
      return {
        status: 403,
        code: 'blocked',
        message: 'Access from your network is blocked.',
        decision: 'blocked',
        rule: `block:${id}`,
        retryAfterSeconds: null,
      };
    },
  };
}
