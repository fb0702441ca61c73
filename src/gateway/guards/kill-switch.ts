import type { Guard, GuardDeps } from './guard.js';

/** A route behind a switched-off switch (e.g. gallery downloads) answers 503 with the switch's message. */
export function killSwitchGuard({ state }: GuardDeps): Guard {
  return {
    name: 'kill-switch',
    check(ctx) {
      const switches = ctx.route?.switches;
      if (switches === undefined) return null;
      for (const s of switches) {
        if (state.switchedOff(s.name, ctx.time) === null) continue;
        return {
          status: 503,
          code: 'switched-off',
          message: s.message,
          decision: 'switched-off',
          rule: `switch:${s.name}`,
          retryAfterSeconds: null,
        };
      }
      return null;
    },
  };
}
