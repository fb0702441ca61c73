import { clearSignal, ingestSignal, type DeskContext } from '../desk/index.js';
import type { Scheduler } from '../scheduler/index.js';
import { RampartError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { MonitorResult, MonitorRunSource } from '../store/ports.js';
import type { CompiledMonitor } from './compile-monitor.js';
import { runMonitor, type RunMonitorDeps } from './run-monitor.js';

/** Results kept per monitor: a day of a 15-minute monitor, a couple of hours of a 1-minute one. */
export const DEFAULT_KEEP_RESULTS = 100;

export interface MonitorRunnerOptions extends Omit<RunMonitorDeps, 'clock'> {
  monitors: readonly CompiledMonitor[];
  /** The desk the runner signals into; its actor names the runner on the timeline (e.g. "monitors"). */
  desk: DeskContext;
  logger: Logger;
  keep?: number;
}

export interface MonitorRunner {
  readonly monitors: readonly CompiledMonitor[];
  /** Runs one monitor now, stores the result and signals the desk on a change of state. */
  run(service: string, name: string, source?: MonitorRunSource): Promise<MonitorResult>;
  /** One scheduler job per monitor, at the monitor's interval. */
  schedule(scheduler: Scheduler): void;
}

export const monitorRule = (name: string): string => `monitor:${name}`;
export const monitorFingerprint = (service: string, name: string): string => `${service}:monitor:${name}`;

/**
 * Runs the playbooks' monitors on the scheduler. A failure after a pass (or a first failure) is a signal like
 * any other; a pass after a failure clears it. Only changes signal, so a monitor failing for an hour adds one
 * signal, not sixty. The previous state is read from the store, so a restart does not re-signal.
 */
export function createMonitorRunner(options: MonitorRunnerOptions): MonitorRunner {
  const { desk, logger } = options;
  const keep = options.keep ?? DEFAULT_KEEP_RESULTS;
  const byKey = new Map(options.monitors.map((m) => [`${m.service}/${m.name}`, m]));

  async function signal(
    monitor: CompiledMonitor,
    result: MonitorResult,
    previous: MonitorResult | undefined,
  ) {
    const base = {
      service: monitor.service,
      rule: monitorRule(monitor.name),
      fingerprint: monitorFingerprint(monitor.service, monitor.name),
      at: result.at,
    };
    if (!result.ok && (previous === undefined || previous.ok)) {
      await ingestSignal({
        ctx: desk,
        input: {
          ...base,
          title: `Monitor ${monitor.name} failing: ${result.failures[0] ?? 'failed'}`,
          ...(monitor.severity ? { severity: monitor.severity } : {}),
          ...(result.status !== null ? { value: result.status } : {}),
          samples: [{ status: result.status, latencyMs: result.latencyMs, failures: result.failures }],
        },
      });
    } else if (result.ok && previous !== undefined && !previous.ok) {
      await clearSignal({
        ctx: desk,
        input: {
          ...base,
          note: `monitor ${monitor.name} passes again (${result.status ?? '-'}, ${result.latencyMs} ms)`,
        },
      });
    }
  }

  async function run(
    service: string,
    name: string,
    source: MonitorRunSource = 'manual',
  ): Promise<MonitorResult> {
    const monitor = byKey.get(`${service}/${name}`);
    if (!monitor) throw new RampartError('RAMPART_NOT_FOUND', `monitor ${name} of ${service} not found`);
    const outcome = await runMonitor(monitor, { ...options, clock: desk.clock });
    const previous = await desk.store.monitorResults.latest(service, name);
    const stored = await desk.store.monitorResults.record(
      { service, monitor: name, ...outcome, source },
      keep,
    );
    if (!stored.ok)
      logger.warn(
        { service, monitor: name, status: stored.status, failures: stored.failures },
        'monitor failed',
      );
    try {
      await signal(monitor, stored, previous);
    } catch (error) {
      logger.error({ err: error, service, monitor: name }, 'monitor could not signal the desk');
    }
    return stored;
  }

  return {
    monitors: options.monitors,
    run,
    schedule(scheduler) {
      for (const m of options.monitors) {
        scheduler.add({
          name: `monitor:${m.service}:${m.name}`,
          everyMs: m.intervalMs,
          run: async () => {
            await run(m.service, m.name, 'schedule');
          },
        });
      }
    },
  };
}
