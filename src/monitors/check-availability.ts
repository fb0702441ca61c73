import { completeAutomaticSteps, type DeskContext, type DeskEvent } from '../desk/index.js';
import type { Incident } from '../domain/incident.js';
import type { Logger } from '../shared/logger.js';
import type { MonitorResult } from '../store/ports.js';
import type { MonitorRunner } from './monitor-runner.js';

export const AVAILABILITY_STEP = 'availability-check';

/**
 * The checklist's `automatic: availability-check` ("Confirm availability"): when an incident opens, the
 * service's monitors run at once and their results settle the step — done when every one passes, failed
 * (naming what failed) when one does, skipped when the service has no monitor that can run (one whose
 * `${VARIABLE}` is unset is left out at start-up). Only the desk that opened the incident hears its
 * `incident.opened`, so two desks run the check once.
 */
export function createAvailabilityCheck(options: {
  monitors: MonitorRunner;
  desk: DeskContext;
  logger: Logger;
}): { onDeskEvent(event: DeskEvent): void; check(incident: Incident): Promise<void>; idle(): Promise<void> } {
  const { monitors, desk, logger } = options;
  const running = new Set<Promise<void>>();

  async function check(incident: Incident): Promise<void> {
    const steps = await desk.store.checklist.list(incident.id);
    if (!steps.some((s) => s.automatic === AVAILABILITY_STEP && s.status === 'pending')) return;
    const own = monitors.monitors.filter((m) => m.service === incident.service);
    const settle = (outcome: 'done' | 'failed' | 'skipped', note: string) =>
      completeAutomaticSteps({
        ctx: desk,
        input: { id: incident.id, automatic: AVAILABILITY_STEP, outcome, note },
      });
    if (own.length === 0) {
      await settle('skipped', `${incident.service} has no monitor that can run (see rampart monitors list)`);
      return;
    }
    const results: { name: string; result: MonitorResult | undefined; error?: string }[] = await Promise.all(
      own.map(async (m) => {
        try {
          return { name: m.name, result: await monitors.run(m.service, m.name, 'incident') };
        } catch (error) {
          return { name: m.name, result: undefined, error: error instanceof Error ? error.message : 'error' };
        }
      }),
    );
    const failing = results.filter((r) => r.result?.ok !== true);
    const describe = (r: (typeof results)[number]) =>
      r.result === undefined
        ? `${r.name}: not run (${r.error ?? 'error'})`
        : `${r.name}: ${r.result.ok ? 'ok' : (r.result.failures[0] ?? 'failed')} (${r.result.status ?? '-'}, ${r.result.latencyMs} ms)`;
    const passed = results.length - failing.length;
    await settle(
      failing.length === 0 ? 'done' : 'failed',
      `${passed} of ${results.length} monitors pass — ${results.map(describe).join('; ')}`,
    );
  }

  return {
    check,
    onDeskEvent(event) {
      if (event.type !== 'incident.opened') return;
      const task = check(event.incident)
        .catch((error: unknown) =>
          logger.error({ err: error, incident: event.incident.id }, 'availability check failed to run'),
        )
        .finally(() => running.delete(task));
      running.add(task);
    },
    async idle() {
      await Promise.all([...running]);
    },
  };
}
