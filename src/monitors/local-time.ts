import { instantOfWall, wallClockAt } from '../shared/time-zone.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type DayName = (typeof DAY_NAMES)[number];
export const DAY_MS = 86_400_000;

/** A calendar date in some time zone, as the UTC midnight of that date (so date arithmetic is plain UTC). */
export type LocalDate = number;

/** The local calendar date of `at` in `timeZone`. */
export function localDateOf(at: number, timeZone: string): LocalDate {
  const shifted = at + wallClockAt(at, timeZone).offsetMs;
  return Math.floor(shifted / DAY_MS) * DAY_MS;
}

export function weekdayOf(date: LocalDate): DayName {
  return DAY_NAMES[new Date(date).getUTCDay()] ?? 'sun';
}

/** The instant the wall clock in `timeZone` shows `hhmm` on `date` (DST-safe: the offset is re-checked). */
export function instantAt(date: LocalDate, hhmm: string, timeZone: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return instantOfWall(date + ((h ?? 0) * 60 + (m ?? 0)) * 60_000, timeZone);
}

export function parseLocalDate(yyyyMmDd: string): LocalDate {
  return Date.parse(`${yyyyMmDd}T00:00:00Z`);
}
