import type { Guard, GuardDeps } from './guard.js';
import { seconds } from './guard.js';

/** Fail closed: 503 with the banner and Retry-After, for the service ("*") or one route; exempt routes pass. */
export function maintenanceGuard({ config, state }: GuardDeps): Guard {
  return {
    name: 'maintenance',
    check(ctx) {
      if (ctx.route?.exempt === true) return null;
      const status = state.maintenance(ctx.route?.name ?? null, ctx.time);
      if (status === null) return null;
      return {
        status: 503,
        code: 'maintenance',
        message: status.banner ?? config.maintenance.banner,
        decision: 'maintenance',
        rule: `maintenance:${status.mitigationId}`,
        retryAfterSeconds: seconds(status.retryAfterMs ?? config.maintenance.retryAfterMs),
      };
    },
  };
}
