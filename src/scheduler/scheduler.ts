import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

/** A periodic job. It should work out what is due from the store, not from how often it runs. */
export interface Job {
  name: string;
  everyMs: number;
  run(now: Date): Promise<void>;
}

export interface Scheduler {
  add(job: Job): void;
  /** Runs, one after another, every job whose time has come at `now` (the clock's time by default). */
  tick(now?: Date): Promise<string[]>;
  /** Drives `tick` from a real timer; overlapping ticks are skipped, never stacked. */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/**
 * A small scheduler on an injectable clock: production runs it on a timer, tests call `tick(now)` and move a
 * ManualClock. A job that throws is logged and runs again at its next time; it never stops the others.
 */
export function createScheduler(deps: { clock: Clock; logger: Logger }): Scheduler {
  const jobs: { job: Job; nextAt: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string[]> | undefined;

  async function tick(now: Date = deps.clock.now()): Promise<string[]> {
    const ran: string[] = [];
    for (const entry of jobs) {
      if (entry.nextAt > now.getTime()) continue;
      entry.nextAt = now.getTime() + entry.job.everyMs;
      try {
        await entry.job.run(now);
        ran.push(entry.job.name);
      } catch (error) {
        deps.logger.error({ err: error, job: entry.job.name }, 'scheduled job failed');
      }
    }
    return ran;
  }

  return {
    add(job) {
      if (!(job.everyMs > 0)) throw new Error(`job ${job.name} needs a positive interval`);
      if (jobs.some((j) => j.job.name === job.name)) throw new Error(`job ${job.name} is already scheduled`);
      jobs.push({ job, nextAt: Number.NEGATIVE_INFINITY });
    },
    tick,
    start(intervalMs = 1000) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = tick().finally(() => {
          running = undefined;
        });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
