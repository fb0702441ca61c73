export {
  playbookSchema,
  type Playbook,
  type PlaybookInput,
  type ServiceSpec,
  type RouteSpec,
  type GatewaySpec,
  type TokenKindSpec,
  type RateLimitSpec,
  type SwitchSpec,
  type SeveritySpec,
  type SeverityLevelSpec,
  type DetectionSpec,
  type SourceSpec,
  type RuleSpec,
  type TriggerSpec,
  type FilterSpec,
  type MitigationSpec,
  type IncidentTypeSpec,
  type ChecklistSpec,
  type CommsSpec,
  type AudienceSpec,
  type ChannelSpec,
  type TemplateSpec,
  type MonitorSpec,
  type VerificationStepSpec,
  type PostmortemSpec,
  type RoutineSpec,
  type ReviewSpec,
  type NeverBlockSpec,
} from './schema.js';
export { isCidr, parseStatusMatcher, type StatusRange } from './schema/primitives.js';
export { routeParams } from './schema/service.js';
export { parseLeakRate, LOG_FORMATS, GROUP_KEYS } from './schema/detection.js';
export {
  DECISIONS,
  EMPTY_FILTER,
  MATCH_OPS,
  type ConditionSpec,
  type FilterInput,
  type ListSpec,
  type MatchOp,
} from './schema/filter.js';
export { RATE_LIMIT_KEYS } from './schema/gateway.js';
export { MITIGATION_ACTIONS } from './schema/mitigation.js';
export { NOTIFY_EVENTS, WEEKDAYS } from './schema/comms.js';
export { AUTOMATIC_STEPS } from './schema/operations.js';
export {
  loadPlaybook,
  loadPlaybookDir,
  parsePlaybook,
  formatPlaybookError,
  formatPlaybookWarning,
  playbookErrorAt,
  type PlaybookError,
  type PlaybookWarning,
  type PlaybookLoadResult,
} from './load.js';
export { explainPlaybook, reviewStatus } from './explain.js';
export {
  eventSourceOf,
  eventSources,
  eventSourcesOfRule,
  sourceLabel,
  sourcesReadBy,
  REQUEST_LOG_FORMATS,
} from './rule-sources.js';
export { checkRules, parseListFile, type ReadList, type RuleIssue } from './check-rules.js';
export { regexHazard } from './regex-hazard.js';
export { describeFilter, describeMitigation, describeStatus, describeTrigger } from './describe.js';
export { playbookJsonSchema, playbookJsonSchemaText } from './json-schema.js';
export {
  severityScale,
  checklistPlan,
  postmortemDueMs,
  ruleSeverity,
  DEFAULT_POSTMORTEM_DUE_MS,
} from './plan.js';
