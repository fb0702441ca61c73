import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutVisible, isVisibleText, visibleFields, visibleText } from './visible-text.js';

/**
 * What must never reach a reader raw, written independently of visible-text.ts: every control character (C0, DEL,
 * C1), line and paragraph separators, bidi marks, embeddings, overrides and isolates, and lone surrogates.
 */
const HIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The inverse of visibleText, for the test: if it recovers every input, no two inputs share an output. */
function decode(text: string): string {
  return text.replace(/\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|(.))/g, (whole, x?: string, u?: string, c?: string) => {
    if (x !== undefined) return String.fromCharCode(parseInt(x, 16));
    if (u !== undefined) return String.fromCharCode(parseInt(u, 16));
    const short: Record<string, string> = { '\\': '\\', n: '\n', r: '\r', t: '\t' };
    const found = c === undefined ? undefined : short[c];
    if (found === undefined) throw new Error(`not an escape: ${whole}`);
    return found;
  });
}

/** Hostile units, the escape's own letters, ordinary Unicode (emoji with their joiner), and any UTF-16 unit. */
const unit = fc.oneof(
  fc.constantFrom(
    '\u001b', '[', '3', '1', 'm', '\r', '\n', '\t', '\u0000', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029',
    '\u202a', '\u202e', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c', '\ufeff', '\\', 'x', 'u', '2', 'e',
    'é', 'ß', '漢', '🚀', '👨\u200d👩\u200d👧', '\ud83d', '\ude80', '|',
  ),
  fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
);
const text = fc.array(unit, { maxLength: 40 }).map((parts) => parts.join(''));

describe('visibleText', () => {
  it('shows ANSI escapes, CR/LF, NUL, C1, separators and bidi overrides as escapes', () => {
    expect(visibleText('a\u001b[31mred\u001b[0m\r\nFAKE\u0000\u0085\u2028\u202egnp.exe\u2066x\u2069\\')).toBe(
      'a\\x1b[31mred\\x1b[0m\\r\\nFAKE\\x00\\x85\\u2028\\u202egnp.exe\\u2066x\\u2069\\\\',
    );
  });

  it('keeps accented letters, CJK and emoji (with their joiners) as they are', () => {
    for (const ok of ['Ünïcödé café', '漢字', '🚀', '👨\u200d👩\u200d👧', 'Mozilla/5.0 (X11; Linux x86_64)'])
      expect(visibleText(ok)).toBe(ok);
  });

  it('never leaves a control, separator, bidi character or lone surrogate in its output', () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = visibleText(input);
        expect(out).not.toMatch(HIDDEN);
        expect(isVisibleText(out)).toBe(!out.includes('\\'));
      }),
      { numRuns: 2000 },
    );
  });

  it('is injective: the input is recovered from the output, so two different inputs never collapse', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(decode(visibleText(a))).toBe(a);
        if (a !== b) expect(visibleText(a)).not.toBe(visibleText(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('cut to a length: within it, a prefix of the whole escape, never through an escape or a surrogate pair', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 60 }), (input, max) => {
        const whole = visibleText(input);
        const cut = visibleText(input, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(whole.startsWith(cut)).toBe(true);
        expect(cut).not.toMatch(HIDDEN);
        expect(() => decode(cut)).not.toThrow();
        // At most one escape (6 units) or one surrogate pair is left out at the end.
        expect(cut.length).toBeGreaterThanOrEqual(Math.min(whole.length, max - 5));
        expect(cutVisible(whole, max)).toBe(cut);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes the keys and string values of a record, and the strings in its arrays', () => {
    expect(visibleFields({ 'p\u001b': 'a\nb', n: 3, list: ['\u202e', 1], nil: null })).toEqual({
      'p\\x1b': 'a\\nb',
      n: 3,
      list: ['\\u202e', 1],
      nil: null,
    });
  });
});
