import type { WEEKDAYS } from '../playbook/index.js';
import { instantOfWall, wallClockAt } from '../shared/time-zone.js';

export interface BusinessHours {
  timezone: string;
  days: readonly (typeof WEEKDAYS)[number][];
  /** "HH:MM" local time. */
  start: string;
  end: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_MS = 86_400_000;

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: (typeof DAY_NAMES)[number];
  minutes: number;
}

/** Wall-clock fields of `at` in `timeZone`, plus the zone's offset from UTC at that instant. */
function local(at: number, timeZone: string): LocalTime & { offsetMs: number } {
  const w = wallClockAt(at, timeZone);
  return {
    year: w.year,
    month: w.month,
    day: w.day,
    weekday: DAY_NAMES[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()] ?? 'sun',
    minutes: w.hour * 60 + w.minute,
    offsetMs: w.offsetMs,
  };
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The instant when the wall clock in `timeZone` shows this date and time (DST-safe: offset re-checked). */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  return instantOfWall(Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60), timeZone);
}

/**
 * `at` itself when it falls inside business hours, otherwise the next start of business hours, computed in the
 * playbook's time zone with Intl (no time-zone library): a P3 raised on Saturday night waits for Monday 09:00.
 */
export function nextBusinessStart(at: Date, hours: BusinessHours): Date {
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const now = local(at.getTime(), hours.timezone);
  if (hours.days.includes(now.weekday) && now.minutes >= start && now.minutes < end) return at;
  for (let offset = 0; offset <= 7; offset += 1) {
    // Step by calendar days on the local date (noon avoids DST edges), then find that day's opening instant.
    const noon = Date.UTC(now.year, now.month - 1, now.day, 12) + offset * DAY_MS;
    const d = new Date(noon);
    const weekday = DAY_NAMES[d.getUTCDay()] ?? 'sun';
    if (!hours.days.includes(weekday)) continue;
    const opening = instantOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), start, hours.timezone);
    if (opening > at.getTime()) return new Date(opening);
  }
  return at;
}
