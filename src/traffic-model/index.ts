export { buildScenario, isScenarioName, SCENARIOS, SCENARIO_SERVICE } from './scenario.js';
export type { ScenarioName, ScenarioOptions } from './scenario.js';
export type { AttackInfo, ModelRequest, Scenario } from './model-request.js';
export { createGatewayModel } from './gateway-decision.js';
export { scoreScenario, pagesAt } from './score.js';
export type { AttackScore, RuleScore, Score, ScoredSignal } from './score.js';
export { eventLine, nginxLine } from './log-lines.js';
export { formatScore } from './format-score.js';
