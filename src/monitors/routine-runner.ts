import type { Playbook, RoutineSpec } from '../playbook/index.js';
import type { Scheduler } from '../scheduler/index.js';
import type { Logger } from '../shared/logger.js';
import type { RoutineRun, Store } from '../store/ports.js';
import { DAY_MS, instantAt, parseLocalDate } from './local-time.js';
import type { MonitorRunner } from './monitor-runner.js';
import { remindOwner } from './remind-owner.js';
import { latestOccurrence, nextOccurrence, routineClockOf } from './routine-schedule.js';

export const REVIEW_DUE_SOON = '@review-due-soon';
export const REVIEW_OVERDUE = '@review-overdue';
export const DEFAULT_REVIEW_LEAD_MS = 14 * DAY_MS;
/** An occurrence older than this when first seen (the desk was down, or just installed) is skipped, not sent late. */
export const DEFAULT_ROUTINE_GRACE_MS = DAY_MS;

export interface RoutineRunnerOptions {
  store: Store;
  playbooks: readonly Playbook[];
  logger: Logger;
  monitors?: MonitorRunner;
  reviewLeadMs?: number;
  graceMs?: number;
}

export interface RoutineStatus {
  service: string;
  name: string;
  title: string;
  every: RoutineSpec['every'] | 'review';
  owner: string | null;
  monitor: string | null;
  nextDue: string | null;
  last: RoutineRun | undefined;
}

export interface RoutineRunner {
  /** Claims and runs every occurrence due at `now` that no desk has run yet; returns "service/name" of each. */
  runDue(now: Date): Promise<string[]>;
  schedule(scheduler: Scheduler, everyMs?: number): void;
  list(now: Date): Promise<RoutineStatus[]>;
}

interface ReviewDates {
  soon: Date;
  overdue: Date;
  due: string;
}

/** "next_review_due" reminds `lead` before (at the routine time) and is overdue the day after, once each. */
function reviewDates(playbook: Playbook, leadMs: number): ReviewDates | undefined {
  const due = playbook.review?.next_review_due;
  if (due === undefined) return undefined;
  const clock = routineClockOf(playbook);
  const date = parseLocalDate(due);
  return {
    due,
    soon: new Date(instantAt(date - Math.round(leadMs / DAY_MS) * DAY_MS, clock.time, clock.timezone)),
    overdue: new Date(instantAt(date + DAY_MS, clock.time, clock.timezone)),
  };
}

/**
 * The playbooks' daily/weekly/monthly routines and review dates on the scheduler. Each due occurrence is claimed
 * in the store first (so several desks remind once), reminds the routine's owner through the outbox, and runs
 * the routine's monitor when it names one, keeping the result as the routine's last result.
 */
export function createRoutineRunner(options: RoutineRunnerOptions): RoutineRunner {
  const { store, logger } = options;
  const leadMs = options.reviewLeadMs ?? DEFAULT_REVIEW_LEAD_MS;
  const graceMs = options.graceMs ?? DEFAULT_ROUTINE_GRACE_MS;

  async function runRoutine(playbook: Playbook, routine: RoutineSpec, occurrence: Date, now: Date) {
    const service = playbook.service.name;
    const claimed = await store.routineRuns.claim({
      service,
      name: routine.name,
      occurrence: occurrence.toISOString(),
      startedAt: now.toISOString(),
    });
    if (!claimed) return false;
    let outcome = 'reminded';
    let detail: string | null = null;
    const monitor = routine.run?.monitor;
    if (monitor !== undefined) {
      try {
        if (!options.monitors) throw new Error('monitors are not running');
        const result = await options.monitors.run(service, monitor, 'routine');
        outcome = result.ok ? 'pass' : 'fail';
        detail = result.ok
          ? `${monitor} passed (${result.status ?? '-'}, ${result.latencyMs} ms)`
          : `${monitor} FAILED: ${result.failures.join('; ')}`;
      } catch (error) {
        outcome = 'fail';
        detail = `${monitor} could not run: ${error instanceof Error ? error.message : 'unknown error'}`;
      }
    }
    const owner = routine.owner ? `, owner ${routine.owner}` : '';
    const lines = [`${routine.title} is due (${routine.every}${owner}).`, ...(routine.details ?? [])];
    if (detail) lines.push(`Monitor ${detail}.`);
    await remindOwner(store, {
      comms: playbook.comms,
      service,
      owner: routine.owner,
      subject: `routine:${routine.name}`,
      key: `routine:${routine.name}:${occurrence.toISOString()}`,
      headline: `[${service}] routine due: ${routine.title}`,
      text: lines.join('\n'),
      at: now,
    });
    await store.routineRuns.finish(claimed.id, { finishedAt: now.toISOString(), outcome, detail });
    return true;
  }

  async function runReview(playbook: Playbook, now: Date): Promise<string[]> {
    const dates = reviewDates(playbook, leadMs);
    if (!dates) return [];
    const service = playbook.service.name;
    const overdue = now >= dates.overdue;
    if (!overdue && now < dates.soon) return [];
    const name = overdue ? REVIEW_OVERDUE : REVIEW_DUE_SOON;
    const occurrence = overdue ? dates.overdue : dates.soon;
    const claimed = await store.routineRuns.claim({
      service,
      name,
      occurrence: occurrence.toISOString(),
      startedAt: now.toISOString(),
    });
    if (!claimed) return [];
    const cadence = playbook.review?.cadence ? ` (reviewed ${playbook.review.cadence})` : '';
    const text = overdue
      ? `The review of the ${service} playbook was due on ${dates.due}${cadence} and is overdue. Review it and set next_review_due.`
      : `The review of the ${service} playbook is due on ${dates.due}${cadence}.`;
    await remindOwner(store, {
      comms: playbook.comms,
      service,
      owner: playbook.service.owner,
      subject: 'review',
      key: `${name}:${dates.due}`,
      headline: `[${service}] playbook review ${overdue ? 'overdue' : 'due soon'}`,
      text,
      at: now,
    });
    await store.routineRuns.finish(claimed.id, {
      finishedAt: now.toISOString(),
      outcome: overdue ? 'overdue' : 'reminded',
      detail: `next_review_due ${dates.due}`,
    });
    return [`${service}/${name}`];
  }

  async function runDue(now: Date): Promise<string[]> {
    const ran: string[] = [];
    for (const playbook of options.playbooks) {
      const clock = routineClockOf(playbook);
      for (const routine of playbook.routines) {
        const occurrence = latestOccurrence(now, routine.every, clock);
        if (!occurrence || now.getTime() - occurrence.getTime() > graceMs) continue;
        try {
          if (await runRoutine(playbook, routine, occurrence, now))
            ran.push(`${playbook.service.name}/${routine.name}`);
        } catch (error) {
          logger.error(
            { err: error, service: playbook.service.name, routine: routine.name },
            'routine failed',
          );
        }
      }
      ran.push(...(await runReview(playbook, now)));
    }
    return ran;
  }

  return {
    runDue,
    schedule(scheduler, everyMs = 60_000) {
      scheduler.add({ name: 'routines', everyMs, run: async (now) => void (await runDue(now)) });
    },
    async list(now) {
      const rows: RoutineStatus[] = [];
      for (const playbook of options.playbooks) {
        const service = playbook.service.name;
        const clock = routineClockOf(playbook);
        for (const r of playbook.routines) {
          rows.push({
            service,
            name: r.name,
            title: r.title,
            every: r.every,
            owner: r.owner ?? null,
            monitor: r.run?.monitor ?? null,
            nextDue: nextOccurrence(now, r.every, clock)?.toISOString() ?? null,
            last: await store.routineRuns.latest(service, r.name),
          });
        }
        const dates = reviewDates(playbook, leadMs);
        if (dates) {
          const overdue = await store.routineRuns.latest(service, REVIEW_OVERDUE);
          rows.push({
            service,
            name: 'review',
            title: `Playbook review (next_review_due ${dates.due})`,
            every: 'review',
            owner: playbook.service.owner ?? null,
            monitor: null,
            nextDue: `${dates.due}`,
            last: overdue ?? (await store.routineRuns.latest(service, REVIEW_DUE_SOON)),
          });
        }
      }
      return rows;
    },
  };
}
