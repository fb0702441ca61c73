import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.js';

// Short words over a small alphabet (with a non-ASCII letter) overlap and share suffixes: the cases where fail links matter.
const word = fc.stringMatching(/^[abcA/é.]{1,5}$/);
const text = fc.stringMatching(/^[abcA/é.xy]{0,30}$/);

describe('Aho–Corasick (dense ASCII table and edge maps)', () => {
  it('finds an entry exactly when the value contains one, as includes() over the list says', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), fc.array(text, { maxLength: 30 }), (entries, values) => {
        const automaton = new AhoCorasick(entries);
        for (const value of values) expect(automaton.matches(value), `${value} in ${entries.join(',')}`).toBe(entries.some((e) => value.includes(e)));
      }),
      { numRuns: 500 },
    );
  });

  it('folds A-Z when the lower-case list is caseless', () => {
    fc.assert(
      fc.property(fc.array(word.map((w) => w.toLowerCase()), { minLength: 1, maxLength: 20 }), fc.array(text, { maxLength: 20 }), (entries, values) => {
        const automaton = new AhoCorasick(entries, true);
        for (const value of values) {
          // Only A-Z fold (an ASCII-only fold): é stays é.
          const folded = value.replace(/[A-Z]/g, (c) => c.toLowerCase());
          expect(automaton.matches(value)).toBe(entries.some((e) => folded.includes(e)));
        }
      }),
      { numRuns: 300 },
    );
  });
});
