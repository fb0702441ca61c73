import type { RequestContext } from '../request-context.js';
import type { Guard, GuardDeps, Verdict } from './guard.js';
import { ipBlockGuard } from './ip-block.js';
import { killSwitchGuard } from './kill-switch.js';
import { maintenanceGuard } from './maintenance.js';
import { rateLimitGuard } from './rate-limit.js';
import { tokenRevocationGuard } from './token-revocation.js';

export type { Guard, GuardDeps, Rejection, Verdict } from './guard.js';

/** The enforcement order: the cheapest, widest refusals first; counting last so refused requests spend no quota. */
export function createGuards(deps: GuardDeps): Guard[] {
  return [maintenanceGuard(deps), killSwitchGuard(deps), ipBlockGuard(deps), tokenRevocationGuard(deps),
    rateLimitGuard(deps)];
}

/** Runs guards in order, synchronously until one returns a promise. */
export function runGuards(guards: readonly Guard[], ctx: RequestContext, from = 0): Verdict | Promise<Verdict> {
  for (let i = from; i < guards.length; i++) {
    const verdict = (guards[i] as Guard).check(ctx);
    if (verdict === null) continue;
    if (verdict instanceof Promise) return verdict.then((v) => v ?? runGuards(guards, ctx, i + 1));
    return verdict;
  }
  return null;
}
