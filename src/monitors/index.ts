export { compileMonitor, compileMonitors, type CompiledMonitor, type Env } from './compile-monitor.js';
export { runMonitor, type MonitorRunResult, type RunMonitorDeps, type FetchLike } from './run-monitor.js';
export {
  createMonitorRunner,
  monitorFingerprint,
  monitorRule,
  DEFAULT_KEEP_RESULTS,
  type MonitorRunner,
  type MonitorRunnerOptions,
} from './monitor-runner.js';
export {
  createRoutineRunner,
  DEFAULT_REVIEW_LEAD_MS,
  DEFAULT_ROUTINE_GRACE_MS,
  REVIEW_DUE_SOON,
  REVIEW_OVERDUE,
  type RoutineRunner,
  type RoutineRunnerOptions,
  type RoutineStatus,
} from './routine-runner.js';
export {
  routineClockOf,
  latestOccurrence,
  nextOccurrence,
  DEFAULT_ROUTINE_TIME,
  type RoutineClock,
} from './routine-schedule.js';
export { remindOwner, reminderAudiences, ROUTINES_ACTOR, type OwnerReminder } from './remind-owner.js';
export { createAvailabilityCheck, AVAILABILITY_STEP } from './check-availability.js';
