const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type DayName = (typeof DAY_NAMES)[number];
export const DAY_MS = 86_400_000;

/** A calendar date in some time zone, as the UTC midnight of that date (so date arithmetic is plain UTC). */
export type LocalDate = number;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at `at` (ms), from Intl; no time-zone library. */
function offsetAt(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The local calendar date of `at` in `timeZone`. */
export function localDateOf(at: number, timeZone: string): LocalDate {
  const shifted = at + offsetAt(at, timeZone);
  return Math.floor(shifted / DAY_MS) * DAY_MS;
}

export function weekdayOf(date: LocalDate): DayName {
  return DAY_NAMES[new Date(date).getUTCDay()] ?? 'sun';
}

/** The instant the wall clock in `timeZone` shows `hhmm` on `date` (DST-safe: the offset is re-checked). */
export function instantAt(date: LocalDate, hhmm: string, timeZone: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  const wall = date + ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

export function parseLocalDate(yyyyMmDd: string): LocalDate {
  return Date.parse(`${yyyyMmDd}T00:00:00Z`);
}
