import { describe, expect, it } from 'vitest';
import { parseAnyTime, parseClfTime, parseEpoch, parseIsoTime, parseSlashTime } from './time.js';

const T = Date.UTC(2024, 5, 19, 8, 0, 0);

describe('log times', () => {
  it('reads nginx/Apache $time_local with its offset', () => {
    expect(parseClfTime('19/Jun/2024:10:00:00 +0200')).toBe(T);
    expect(parseClfTime('19/Jun/2024:01:00:00 -0700')).toBe(T);
    expect(parseClfTime('19/Jun/2024:01:00:00 -0700')).toBe(T); // cached path
    expect(parseClfTime('19/Foo/2024:10:00:00 +0200')).toBeNull();
    expect(parseClfTime('19/Jun/2024 10:00:00')).toBeNull();
  });

  it('reads ISO and log-style timestamps; no offset means UTC', () => {
    expect(parseIsoTime('2024-06-19T08:00:00Z')).toBe(T);
    expect(parseIsoTime('2024-06-19T10:00:00+02:00')).toBe(T);
    expect(parseIsoTime('2024-06-19T10:00:00.250+0200')).toBe(T + 250);
    expect(parseIsoTime('2024-06-19T08:00:00.123456789Z')).toBe(T + 123);
    expect(parseIsoTime('2024-06-19 08:00:00')).toBe(T);
    expect(parseIsoTime('2024-06-19 08:00:00,500')).toBe(T + 500);
    expect(parseIsoTime('2024-13-19 08:00:00')).toBeNull();
    expect(parseIsoTime('yesterday')).toBeNull();
    expect(parseSlashTime('2024/06/19 08:00:00')).toBe(T);
  });

  it('tells epoch seconds from milliseconds', () => {
    expect(parseEpoch(1718784000.123)).toBe(T + 123);
    expect(parseEpoch(1718784000123)).toBe(T + 123);
    expect(parseEpoch(-1)).toBeNull();
    expect(parseAnyTime('1718784000.123')).toBe(T + 123);
    expect(parseAnyTime('2024-06-19T08:00:00Z')).toBe(T);
    expect(parseAnyTime({})).toBeNull();
  });
});
