import type { Playbook, RoutineSpec } from '../playbook/index.js';
import { DAY_MS, instantAt, localDateOf, weekdayOf, type DayName, type LocalDate } from './local-time.js';

/** When routines fall due: a local time of day, in a time zone, on some weekdays. */
export interface RoutineClock {
  timezone: string;
  /** "HH:MM" local. */
  time: string;
  /** Working days; every day when the playbook sets no business hours. */
  days: readonly DayName[] | undefined;
}

export const DEFAULT_ROUTINE_TIME = '09:00';

/**
 * Routines fall due at the start of the playbook's business hours, in its time zone, on business days;
 * without business hours at 09:00 UTC on every day. Weekly routines fall on the first business day of the
 * (Monday-based) week, monthly ones on the first business day of the month.
 */
export function routineClockOf(playbook: Playbook): RoutineClock {
  const hours = playbook.comms.business_hours;
  if (!hours) return { timezone: 'UTC', time: DEFAULT_ROUTINE_TIME, days: undefined };
  return { timezone: hours.timezone, time: hours.start, days: hours.days };
}

type Every = RoutineSpec['every'];

function isWorkday(date: LocalDate, clock: RoutineClock): boolean {
  return clock.days === undefined || clock.days.includes(weekdayOf(date));
}

/** Whether a routine of this frequency falls due on this local date. */
export function isRoutineDay(date: LocalDate, every: Every, clock: RoutineClock): boolean {
  if (!isWorkday(date, clock)) return false;
  if (every === 'daily') return true;
  const d = new Date(date);
  // Earlier days of the same period: Monday..yesterday for weekly, the 1st..yesterday for monthly.
  const earlier = every === 'weekly' ? (d.getUTCDay() + 6) % 7 : d.getUTCDate() - 1;
  for (let back = 1; back <= earlier; back += 1) if (isWorkday(date - back * DAY_MS, clock)) return false;
  return true;
}

/** Looks far enough for a monthly routine whose month starts with a long weekend. */
const SEARCH_DAYS = 40;

/** The latest due time at or before `now`, if any in the last 40 days. */
export function latestOccurrence(now: Date, every: Every, clock: RoutineClock): Date | undefined {
  const today = localDateOf(now.getTime(), clock.timezone);
  for (let back = 0; back <= SEARCH_DAYS; back += 1) {
    const date = today - back * DAY_MS;
    if (!isRoutineDay(date, every, clock)) continue;
    const at = instantAt(date, clock.time, clock.timezone);
    if (at <= now.getTime()) return new Date(at);
  }
  return undefined;
}

/** The next due time after `now`. */
export function nextOccurrence(now: Date, every: Every, clock: RoutineClock): Date | undefined {
  const today = localDateOf(now.getTime(), clock.timezone);
  for (let ahead = 0; ahead <= SEARCH_DAYS; ahead += 1) {
    const date = today + ahead * DAY_MS;
    if (!isRoutineDay(date, every, clock)) continue;
    const at = instantAt(date, clock.time, clock.timezone);
    if (at > now.getTime()) return new Date(at);
  }
  return undefined;
}
