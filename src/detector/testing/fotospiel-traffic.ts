import { nginxLine } from './log-lines.js';
import type { AccessLine } from './log-lines.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same log, so figures compare across runs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
];

export interface TrafficOptions {
  lines: number;
  start: number;
  /** Mean gap between requests, ms. */
  gapMs?: number;
  seed?: number;
  /** Include a token enumeration from 203.0.113.0/24 in the middle. */
  attack?: boolean;
}

/**
 * Guest traffic for the fotospiel playbook as nginx lines: a few thousand guests over many networks using 300
 * event tokens on the event API, gallery and signed downloads, some 404s and 304s, a health check; with
 * `attack`, 40 addresses of one /24 each trying a few random tokens (every one under the per-IP limit).
 */
export function* fotospielAccessLines(options: TrafficOptions): Generator<string> {
  const random = prng(options.seed ?? 1);
  const gap = options.gapMs ?? 20;
  const tokens = Array.from(
    { length: 300 },
    (_, i) => `evt${String(i).padStart(4, '0')}${Math.floor(random() * 1e9).toString(36)}tok`,
  );
  const ips = Array.from(
    { length: 4000 },
    () =>
      `${10 + Math.floor(random() * 180)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
  );
  const attackFrom = Math.floor(options.lines * 0.5);
  const attackTo = attackFrom + 2_000;
  let time = options.start;
  for (let n = 0; n < options.lines; n++) {
    time += Math.floor(random() * gap * 2);
    const r = random();
    let line: AccessLine;
    if (options.attack === true && n >= attackFrom && n < attackTo && r < 0.2) {
      line = {
        time,
        ip: `203.0.113.${10 + Math.floor(random() * 40)}`,
        method: 'GET',
        uri: `/api/v1/events/${Math.floor(random() * 2 ** 48).toString(36)}guess/photos`,
        status: 404,
        bytes: 52,
        userAgent: 'python-requests/2.31.0',
        requestTime: 0.004,
      };
    } else {
      // A guest belongs to one event: about 13 addresses share each event's token.
      const guest = Math.floor(random() * ips.length);
      const ip = ips[guest] as string;
      const token = tokens[guest % tokens.length] as string;
      const agent = AGENTS[Math.floor(random() * AGENTS.length)] as string;
      const kind = random();
      let uri: string;
      if (kind < 0.45) uri = `/api/v1/events/${token}/photos?page=${1 + Math.floor(random() * 5)}`;
      else if (kind < 0.6) uri = `/api/v1/events/${token}/stats`;
      else if (kind < 0.85) uri = `/api/v1/gallery/${token}/photos`;
      else if (kind < 0.97)
        uri = `/api/v1/downloads/${Math.floor(random() * 1e6)}.jpg?token=${token}&signature=ab12cd`;
      else uri = '/health';
      const s = random();
      const status = s < 0.92 ? 200 : s < 0.96 ? 304 : s < 0.995 ? 404 : 500;
      line = {
        time,
        ip,
        method: kind < 0.05 ? 'POST' : 'GET',
        uri,
        status,
        bytes: status === 200 ? 2000 + Math.floor(random() * 90_000) : 0,
        userAgent: agent,
        requestTime: Math.round(random() ** 3 * 800) / 1000,
      };
    }
    yield nginxLine(line);
  }
}
