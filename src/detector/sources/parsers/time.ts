/** Time parsers for every format's own clock; all return epoch ms or null, and never throw. */
import { utcClock } from './zone.js';
import type { WallClock } from './zone.js';

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

const CLF_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})$/;

// A log has many lines per second: remembering the last string saves most of the work.
let lastClf = '';
let lastClfMs: number | null = null;

/** nginx/Apache `$time_local`: "19/Jun/2024:10:00:00 +0200". */
export function parseClfTime(text: string): number | null {
  if (text === lastClf) return lastClfMs;
  const m = CLF_TIME.exec(text);
  let ms: number | null = null;
  if (m) {
    const month = MONTHS[m[2] ?? ''];
    if (month !== undefined) {
      const local = utc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
      const offset = (Number(m[9]) * 60 + Number(m[10])) * 60_000;
      ms = local === null ? null : m[8] === '-' ? local + offset : local - offset;
    }
  }
  lastClf = text;
  lastClfMs = ms;
  return ms;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))? ?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO 8601 and its log cousins ("2024-06-19T10:00:00.123456789Z", "2025-10-19 23:00:47",
 * "2024-06-19 10:00:00,123", "2024-06-19T10:00:00+02:00"). A time without an offset is wall-clock time of
 * `clock`'s zone (the source's `timezone`; UTC when no clock is given).
 */
export function parseIsoTime(text: string, clock: WallClock = utcClock): number | null {
  const m = ISO_TIME.exec(text);
  if (!m) return null;
  const local = utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
  if (local === null) return null;
  const zone = m[8];
  if (zone === undefined) return clock(local);
  if (zone === 'Z' || zone === 'z') return local;
  const digits = zone.replace(':', '');
  const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0')) * 60_000;
  return zone.startsWith('-') ? local + offset : local - offset;
}

/** nginx error log: "2024/06/19 10:00:00" in the server's local time (the source's timezone). */
export function parseSlashTime(text: string, clock: WallClock = utcClock): number | null {
  return parseIsoTime(text.replaceAll('/', '-'), clock);
}

const CTIME = /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: (\d{4}))?$/;

/**
 * ctime-like local times: Apache's error log ("Wed Oct 11 14:32:52.123456 2000") and the syslog prefix
 * ("Nov 30 10:00:00", no year: the year that puts it nearest to `near`, default now).
 */
export function parseCtime(text: string, clock: WallClock = utcClock, near = Date.now()): number | null {
  const m = CTIME.exec(text);
  if (!m) return null;
  const month = MONTHS[m[1] ?? ''];
  if (month === undefined) return null;
  const at = (year: number) =>
    utc(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6]);
  if (m[7] !== undefined) {
    const local = at(Number(m[7]));
    return local === null ? null : clock(local);
  }
  // A December line read in January belongs to last year; a January line read in December to next year.
  const year = new Date(near).getUTCFullYear();
  let best: number | null = null;
  for (const y of [year - 1, year, year + 1]) {
    const local = at(y);
    if (local === null) continue;
    const ms = clock(local);
    if (best === null || Math.abs(ms - near) < Math.abs(best - near)) best = ms;
  }
  return best;
}

/** Epoch seconds (nginx `$msec`, Caddy `ts`) or milliseconds, told apart by size. */
export function parseEpoch(value: number): number | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  // Before 1973 in ms, or after 5138 in s: a value this small is seconds.
  return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
}

/** Any of the above, for JSON logs whose time field may be a number or a string. */
export function parseAnyTime(value: unknown, clock: WallClock = utcClock): number | null {
  if (typeof value === 'number') return parseEpoch(value);
  if (typeof value !== 'string' || value.length > 64) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return parseEpoch(Number(value));
  return parseIsoTime(value, clock) ?? parseClfTime(value);
}

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
): number | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = fraction ? Math.floor(Number(fraction.padEnd(3, '0').slice(0, 3))) : 0;
  return Date.UTC(year, month, day, hour, minute, second, ms);
}
