import { parseCtime, parseIsoTime } from './time.js';
import type { WallClock } from './zone.js';

/*
 * What a log collector puts before the line a program wrote, for any format:
 *   syslog / journalctl -o short    Nov 30 10:00:00 host nginx[123]: <line>      (optionally "<190>" first)
 *   rsyslog RFC 3339 / journalctl -o short-iso   2025-11-30T10:00:00.123456+01:00 host nginx[123]: <line>
 *   docker logs -t                  2025-11-30T10:00:00.123456789Z <line>
 * Host and tag are fixed positions before the program's text; nothing after "tag[pid]: " is read as prefix.
 */
const SYSLOG = /^(?:<\d{1,3}>)?([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) \S{1,255} [^\s:[]{1,64}(?:\[\d{1,10}\])?: /;
const ISO_STAMP = /^(?:<\d{1,3}>(?:1 )?)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})) /;
const HOST_TAG = /^\S{1,255} [^\s:[]{1,64}(?:\[\d{1,10}\])?: /;

export interface Prefix {
  /** The line without its prefix. */
  line: string;
  /** The collector's time (epoch ms), for lines that carry none of their own (uvicorn's access log). */
  time: number | null;
}

/** Cheap test first: a prefixed line starts with a month name, "<", or a year followed by "-". */
export function stripPrefix(line: string, clock: WallClock): Prefix | null {
  const c = line.charCodeAt(0);
  if (c === 60 /* < */ || (c >= 65 && c <= 90 && line.charCodeAt(3) === 32)) {
    const m = SYSLOG.exec(line);
    if (m) return { line: line.slice(m[0].length), time: parseCtime(m[1] ?? '', clock) };
  }
  if (c === 60 || (c >= 48 && c <= 57 && line.charCodeAt(4) === 45 && line.charCodeAt(10) === 84 /* T */)) {
    const m = ISO_STAMP.exec(line);
    if (m) {
      let rest = line.slice(m[0].length);
      const hostTag = HOST_TAG.exec(rest);
      if (hostTag) rest = rest.slice(hostTag[0].length);
      return { line: rest, time: parseIsoTime(m[1] ?? '', clock) };
    }
  }
  return null;
}
