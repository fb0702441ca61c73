/**
 * Wall-clock arithmetic in a named time zone with nothing but Intl (no time-zone library): business hours,
 * routine times and review dates all need "what does the clock on the wall say there, and when will it say X".
 */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The zone's offset from UTC at that instant, in ms. */
  offsetMs: number;
}

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

/** What the wall clock in `timeZone` shows at the instant `at` (epoch ms). */
export function wallClockAt(at: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  const hour = parts.hour ?? 0;
  const minute = parts.minute ?? 0;
  const second = parts.second ?? 0;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return { year, month, day, hour, minute, second, offsetMs: asUtc - Math.floor(at / 1000) * 1000 };
}

/**
 * The instant at which the wall clock in `timeZone` shows `wall` (a wall time written as if it were UTC ms).
 * The offset is checked twice, so a date across a DST change lands right.
 */
export function instantOfWall(wall: number, timeZone: string): number {
  const first = wall - wallClockAt(wall, timeZone).offsetMs;
  return wall - wallClockAt(first, timeZone).offsetMs;
}
