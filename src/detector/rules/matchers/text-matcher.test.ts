import { describe, expect, it } from 'vitest';
import { MATCH_OPS } from '../../../playbook/index.js';
import { compileTextMatcher, REGEX_INPUT_LIMIT } from './text-matcher.js';

/** The plain definition of each operation, one entry at a time: what the compiled matchers must agree with. */
const naive: Record<'equals' | 'contains' | 'starts_with' | 'ends_with', (value: string, entry: string) => boolean> = {
  equals: (v, e) => v === e,
  contains: (v, e) => v.includes(e),
  starts_with: (v, e) => v.startsWith(e),
  ends_with: (v, e) => v.endsWith(e),
};

let seed = 11;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
/** Short strings over a small alphabet, so entries overlap, nest and share prefixes and suffixes often. */
const word = (max: number) =>
  Array.from({ length: 1 + Math.floor(random() * max) }, () => 'abcA/.é'[Math.floor(random() * 7)]).join('');

describe('list matchers agree with the one-entry-at-a-time definition', () => {
  for (const op of ['equals', 'contains', 'starts_with', 'ends_with'] as const) {
    for (const size of [1, 3, 40, 2000]) {
      it(`${op} over ${size} entries, with and without case`, () => {
        const entries = Array.from({ length: size }, () => word(6));
        const values = Array.from({ length: 400 }, () => word(14));
        for (const ignoreCase of [false, true]) {
          const match = compileTextMatcher(op, entries, ignoreCase, 'test');
          const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
          for (const value of values) {
            const expected = entries.some((e) => naive[op](fold(value), fold(e)));
            expect(match(value), `${op} ${JSON.stringify(value)}`).toBe(expected);
          }
        }
      });
    }
  }

  it('Aho-Corasick finds entries that overlap or sit inside one another', () => {
    const match = compileTextMatcher('contains', ['he', 'she', 'his', 'hers', 'usher', 'xyz1', 'q', 'zz'], false, 't');
    expect(['ushers', 'ahis', 'shx', 'xyzq', 'hhe', 'abc', 'z'].map(match)).toEqual([true, true, false, true, true, false, false]);
  });

  it('a 5,000-entry scanner list finds its entries and nothing else', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => `/probe-${i}.php`);
    const starts = compileTextMatcher('starts_with', entries, false, 't');
    const ends = compileTextMatcher('ends_with', entries, true, 't');
    const contains = compileTextMatcher('contains', entries, false, 't');
    const regex = compileTextMatcher('regex', entries.map((e) => e.replace('.', '\\.')), false, 't');
    expect([starts('/probe-4999.php?x'), starts('/api/probe-1.php'), starts('/probe-5000.php')]).toEqual([true, false, false]);
    expect([ends('/a/PROBE-17.PHP'), ends('/probe-17.php5')]).toEqual([true, false]);
    expect([contains('/a/probe-17.php/b'), contains('/a/probe-17.ph')]).toEqual([true, false]);
    expect([regex('/x/probe-321.php'), regex('/x/probe-321xphp')]).toEqual([true, false]);
  });
});

describe('regex lists', () => {
  it('join entries with different case modes and named groups', () => {
    const match = compileTextMatcher('regex', ['(?<a>foo)', '(?<a>bar)', '(?i)BAZ'], false, 't');
    expect(['xfoo', 'bar', 'baz', 'qux'].map(match)).toEqual([true, true, true, false]);
  });

  it('a long list (literal prefilter + the regexes without a literal) agrees with testing each regex', () => {
    const entries = [
      ...Array.from({ length: 30 }, (_, i) => `foo${i}\\d+bar`),
      ...Array.from({ length: 10 }, (_, i) => `(?i)Baz${i}x?`),
      '[xy]{3}q',
      'a.c',
      '(?:qq|ww)z',
      '^start-here',
      'end-here$',
    ];
    const naiveRegexes = entries.map((e) => (e.startsWith('(?i)') ? new RegExp(e.slice(4), 'i') : new RegExp(e)));
    const pieces = ['foo1', 'foo12', '3bar', '77', 'BAZ3', 'baz', 'xyx', 'q', 'abc', 'qqz', 'start-here', 'end-here', '-', 'Z'];
    const values = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 5) }, () => pieces[Math.floor(random() * pieces.length)]).join(''),
    );
    for (const ignoreCase of [false, true]) {
      const match = compileTextMatcher('regex', entries, ignoreCase, 't');
      for (const value of values) {
        const expected = naiveRegexes.some((r) => (ignoreCase ? new RegExp(r.source, 'i') : r).test(value));
        expect(match(value), JSON.stringify(value)).toBe(expected);
      }
    }
  });

  it(`see at most ${REGEX_INPUT_LIMIT} characters of a value`, () => {
    const match = compileTextMatcher('regex', ['secret$'], false, 't');
    expect(match(`${'a'.repeat(REGEX_INPUT_LIMIT)}secret`)).toBe(false);
    expect(match(`${'a'.repeat(100)}secret`)).toBe(true);
  });

  it('every operation is covered', () => {
    expect([...MATCH_OPS].sort()).toEqual(['cidr', 'contains', 'ends_with', 'equals', 'glob', 'regex', 'starts_with']);
  });
});

describe('long ASCII lists without case fold the value while reading it (no lower-cased copy)', () => {
  const ascii = (max: number) =>
    Array.from({ length: 1 + Math.floor(random() * max) }, () => 'abcABC/.'[Math.floor(random() * 8)]).join('');
  for (const op of ['contains', 'starts_with', 'ends_with'] as const) {
    it(`${op} agrees with matching the lower-cased value`, () => {
      const entries = Array.from({ length: 60 }, () => ascii(5));
      const match = compileTextMatcher(op, entries, true, 'test');
      for (let i = 0; i < 600; i++) {
        const value = ascii(16);
        const expected = entries.some((e) => naive[op](value.toLowerCase(), e.toLowerCase()));
        expect(match(value), `${op} ${JSON.stringify(value)}`).toBe(expected);
      }
    });
  }
});
