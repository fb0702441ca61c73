/**
 * The detector: playbook rules over request events (from the gateway or from log files), emitting signals.
 */
export { createDetector } from './engine.js';
export type { Detector, DetectorOptions, DetectorStats, RuleStats } from './engine.js';
export type { DetectorClear, DetectorSignal } from './detector-signal.js';
export { buildSignal, fingerprintOf, sampleOf, MAX_SAMPLES } from './detector-signal.js';
export { RecentEvents, canonicalJson } from './recent-events.js';
export type { EvidenceSnapshot, RecentEventsOptions, SnapshotQuery } from './recent-events.js';
export { createEventEnricher, routeRegExp } from './enrich-event.js';
export { replayFiles, planFile, parserOptionsOf, splitFileFormat, REQUEST_LOG_FORMATS } from './replay.js';
export type { ReplayFileResult, ReplayOptions, ReplayResult } from './replay.js';
export { compileFilter, compileRule, compileRules, routeNamesOf } from './rules/index.js';
export type { CompiledRule, CompileOptions, Trigger } from './rules/index.js';
export { queryTokensOf } from './token-locations.js';
export { planMitigation, type MitigationPlan, type PlannedMitigation } from './mitigation-plan.js';
export { blastRadius, exceedsCap, type BlastRadius } from './blast-radius.js';
