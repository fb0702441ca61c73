import { describe, expect, it } from 'vitest';
import { lastRequestMs, lastUpstreamTime, readTimes } from './request-times.js';

/** What nginx.ts read these times with before: the reference readTimes must agree with. */
const TIMES = /^"?(\d+(?:\.\d+)?)"?(?: "?(-|\d+(?:\.\d+)?)"?)?$/;

function byRegex(rest: string): { ms: number; upstream: string | undefined } | null {
  const m = TIMES.exec(rest);
  return m === null ? null : { ms: Math.round(Number(m[1]) * 1_000_000) / 1000, upstream: m[2] };
}

function byLoop(rest: string): { ms: number; upstream: string | undefined } | null {
  return readTimes(rest) ? { ms: lastRequestMs(), upstream: lastUpstreamTime() } : null;
}

describe('readTimes', () => {
  it('reads what nginx appends: a request time, then an upstream time or "-", quoted or not', () => {
    expect(byLoop('0.012 0.010')).toEqual({ ms: 12, upstream: '0.010' });
    expect(byLoop('"0.250" "-"')).toEqual({ ms: 250, upstream: '-' });
    expect(byLoop('1.5')).toEqual({ ms: 1500, upstream: undefined });
    expect(byLoop('3 0.001')).toEqual({ ms: 3000, upstream: '0.001' });
    expect(byLoop('0.0000015 -')).toEqual({ ms: 0.002, upstream: '-' });
  });

  it('refuses what is not such a pair', () => {
    for (const rest of ['', '-', '12.', '.5', '0.012 ', '0.012  0.010', '0.012 0.010, 0.002', 'rt=0.012', '0.012 "', '0.01x'])
      expect(byLoop(rest), rest).toBeNull();
  });

  it('agrees with the regex and Number() on 200,000 random strings of digits, dots, quotes, dashes and spaces', () => {
    let seed = 12345;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = '0123456789012345678901234567890123456789."-  x';
    for (let i = 0; i < 200_000; i++) {
      let rest = '';
      const length = next(24);
      for (let k = 0; k < length; k++) rest += alphabet[next(alphabet.length)];
      expect(byLoop(rest), JSON.stringify(rest)).toEqual(byRegex(rest));
    }
  });

  it('agrees with them on well-formed times of every length, including ones past exact integer microseconds', () => {
    let seed = 99;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const digits = (n: number) => Array.from({ length: n }, () => String(next(10))).join('');
    for (let i = 0; i < 50_000; i++) {
      const first = digits(1 + next(12)) + (next(4) === 0 ? '' : `.${digits(1 + next(9))}`);
      const second = next(3) === 0 ? '' : next(2) === 0 ? ' -' : ` ${digits(1 + next(3))}.${digits(3)}`;
      const rest = next(2) === 0 ? `"${first}"${second.replace(/^ (.*)$/, ' "$1"')}` : first + second;
      expect(byLoop(rest), rest).toEqual(byRegex(rest));
    }
  });
});
