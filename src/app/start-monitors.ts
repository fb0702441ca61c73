import type { DeskContext } from '../desk/index.js';
import {
  compileMonitor,
  createMonitorRunner,
  createRoutineRunner,
  type CompiledMonitor,
  type MonitorRunner,
  type RoutineRunner,
} from '../monitors/index.js';
import type { Playbook } from '../playbook/index.js';
import type { Scheduler } from '../scheduler/index.js';
import type { Logger } from '../shared/logger.js';

/**
 * The playbooks' synthetic monitors and routines, on the scheduler. A monitor whose `${VARIABLE}` is unset (the
 * seeds' known-good join token, say) is left out with one log line naming the variable, so `rampart up` still
 * starts on embedded defaults; `rampart monitors list` shows what runs.
 */
export function startMonitors(options: {
  playbooks: readonly Playbook[];
  desk: DeskContext;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  scheduler: Scheduler;
}): { monitors: MonitorRunner; routines: RoutineRunner; compiled: CompiledMonitor[] } {
  const compiled: CompiledMonitor[] = [];
  for (const playbook of options.playbooks) {
    for (const spec of playbook.monitors) {
      try {
        compiled.push(compileMonitor(playbook.service.name, spec, options.env));
      } catch (error) {
        options.logger.warn(
          { service: playbook.service.name, monitor: spec.name, reason: (error as Error).message },
          'monitor not scheduled',
        );
      }
    }
  }
  const monitors = createMonitorRunner({ monitors: compiled, desk: options.desk, logger: options.logger });
  const routines = createRoutineRunner({
    store: options.desk.store,
    playbooks: options.playbooks,
    logger: options.logger,
    monitors,
  });
  monitors.schedule(options.scheduler);
  routines.schedule(options.scheduler);
  return { monitors, routines, compiled };
}
