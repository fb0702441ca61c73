export {
  addBouncer,
  bouncerOfKey,
  deleteBouncer,
  BOUNCER_KEY_PREFIX,
  type AddedBouncer,
} from './bouncer-keys.js';
export { acknowledgeEnforcement, releaseEnforcement, type PointRef } from './acknowledge.js';
export {
  toDecision,
  goDuration,
  scopeOf,
  decisionId,
  scenarioOf,
  type CrowdsecDecision,
} from './crowdsec-decision.js';
export { decisionQuery, passesStream, streamFilter } from './decision-filter.js';
export {
  runHook,
  hookFields,
  expandArgs,
  describeHookResult,
  MAX_HOOK_OUTPUT,
  type HookResult,
} from './run-hook.js';
export { startHookLoop, type HookLoop } from './hook-loop.js';
export { watchCoverage, type CoverageWatch } from './coverage-watch.js';
export { withCoverage, type MitigationCoverage } from './coverage-view.js';
