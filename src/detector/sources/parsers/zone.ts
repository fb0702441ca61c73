import { RampartError } from '../../../shared/errors.js';
import { instantOfWall } from '../../../shared/time-zone.js';

/**
 * A log's wall-clock time (read as if it were UTC: Date.UTC of its fields) → epoch ms, for the times a format
 * writes without an offset: nginx's error log, Apache's error log, syslog prefixes, Python's asctime, a Laravel
 * date without "P". Each source names its zone (`timezone:` in the playbook); the default is the host's zone,
 * which is where the server that wrote the log most often runs.
 */
export type WallClock = (wallMs: number) => number;

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);

export const utcClock: WallClock = (wallMs) => wallMs;

/** The zone this process runs in (TZ, else the system's). */
export function hostZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// Offsets change at most a few times a year, on the hour or half hour: one lookup per zone and quarter hour.
const BUCKET_MS = 15 * 60_000;
const MAX_BUCKETS = 4096;

/** The wall clock of `zone` (default: the host's). An unknown zone throws RAMPART_CONFIG at start-up. */
export function wallClock(zone?: string): WallClock {
  const name = zone ?? hostZone();
  if (UTC_NAMES.has(name)) return utcClock;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new RampartError('RAMPART_CONFIG', `unknown time zone "${name}" (an IANA name such as Europe/Berlin)`, [
      { path: 'timezone', message: `unknown time zone "${name}"` },
    ]);
  }
  const cache = new Map<number, number>();
  return (wallMs) => {
    if (!Number.isFinite(wallMs)) return wallMs;
    const bucket = Math.floor(wallMs / BUCKET_MS);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      const start = bucket * BUCKET_MS;
      offset = start - instantOfWall(start, name);
      if (cache.size >= MAX_BUCKETS) cache.clear();
      cache.set(bucket, offset);
    }
    return wallMs - offset;
  };
}
