import { describe, expect, it } from 'vitest';
import { memoMatcher } from './memo-matcher.js';

describe('memoMatcher', () => {
  it('answers as the matcher does, running it once per value', () => {
    const seen: string[] = [];
    const match = memoMatcher((value) => {
      seen.push(value);
      return value.includes('sqlmap');
    });
    expect([match('sqlmap/1.7'), match('Mozilla/5.0'), match('sqlmap/1.7'), match('Mozilla/5.0')]).toEqual([true, false, true, false]);
    expect(seen).toEqual(['sqlmap/1.7', 'Mozilla/5.0']);
  });

  it('stays bounded under a flood of distinct values, and keeps answering right', () => {
    let runs = 0;
    const match = memoMatcher((value) => {
      runs++;
      return value.endsWith('7');
    }, 100);
    for (let i = 0; i < 10_000; i++) expect(match(`agent-${i}`)).toBe(String(i).endsWith('7'));
    expect(runs).toBe(10_000);
    // After the flood, a value is remembered again.
    match('agent-7');
    match('agent-7');
    expect(runs).toBe(10_001);
  });
});
