import { detach } from '../event-fields.js';
import type { TextMatcher } from './text-matcher.js';

/** Distinct values remembered per matcher; past it the memo starts over (a flood of random values costs a clear). */
export const MEMO_SIZE = 4096;

/**
 * A matcher that remembers its answers, for fields whose values repeat line after line (a user agent: a few
 * hundred strings across a million requests) and whose lists are costly to run (a bad-bot regex list, a
 * scanner substring list). Bounded: the memo is emptied when it is full. Its keys are copies, so a remembered
 * value does not keep its log line (and the chunk read with it) alive.
 */
export function memoMatcher(match: TextMatcher, size = MEMO_SIZE): TextMatcher {
  let memo = new Map<string, boolean>();
  return (value) => {
    const known = memo.get(value);
    if (known !== undefined) return known;
    const result = match(value);
    if (memo.size >= size) memo = new Map();
    memo.set(detach(value), result);
    return result;
  };
}
