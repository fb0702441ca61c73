import type { MatchOp } from '../../../playbook/index.js';
import { regexHazard, splitInlineFlags } from '../../../playbook/regex-hazard.js';
import { RampartError } from '../../../shared/errors.js';
import { AhoCorasick } from './aho-corasick.js';
import { CharTrie } from './char-trie.js';
import { requiredLiteral } from './required-literal.js';

export type TextMatcher = (value: string) => boolean;

/**
 * A regex sees at most this many characters of a field: nginx's own limit for a request line (8 KiB), which
 * bounds the polynomial backtracking that the load-time check (regex-hazard.ts) lets through.
 */
export const REGEX_INPUT_LIMIT = 8192;

/** Up to this many entries, a loop of the engine's own includes/startsWith/endsWith beats building a trie. */
const SMALL_LIST = 4;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `*` is any run of characters (slashes included); everything else is literal. */
export const globSource = (glob: string): string => glob.split('*').map(escapeRegExp).join('.*');

/**
 * One matcher for a whole list, compiled once: a Set for equals, a trie for starts_with / ends_with,
 * Aho–Corasick for contains, one combined RegExp for regex and glob lists. A list of thousands costs about what
 * one entry costs (bench/detector/filter-lists.ts measures it). `where` names the rule and field in errors.
 */
export function compileTextMatcher(
  op: Exclude<MatchOp, 'cidr'>,
  entries: readonly string[],
  ignoreCase: boolean,
  where: string,
): TextMatcher {
  if (op === 'regex') return regexMatcher(entries, ignoreCase, where);
  if (op === 'glob') {
    const regex = new RegExp(`^(?:${entries.map(globSource).join('|')})$`, ignoreCase ? 'i' : '');
    return (value) => regex.test(value);
  }
  const list = [...new Set(ignoreCase ? entries.map((e) => e.toLowerCase()) : entries)];
  // Long ASCII lists fold the value's case while they read it; others match a lower-cased copy.
  const caseless = ignoreCase && op !== 'equals' && list.length > SMALL_LIST && list.every(isAscii);
  const inner = literalMatcher(op, list, caseless);
  return ignoreCase && !caseless ? (value) => inner(value.toLowerCase()) : inner;
}

// eslint-disable-next-line no-control-regex
const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text);

function literalMatcher(op: Exclude<MatchOp, 'regex' | 'glob' | 'cidr'>, list: readonly string[], caseless = false): TextMatcher {
  const one = list.length === 1 ? (list[0] as string) : undefined;
  const small = list.length <= SMALL_LIST;
  switch (op) {
    case 'equals': {
      if (one !== undefined) return (value) => value === one;
      const set = new Set(list);
      return (value) => set.has(value);
    }
    case 'starts_with': {
      if (one !== undefined) return (value) => value.startsWith(one);
      if (small) return (value) => list.some((entry) => value.startsWith(entry));
      const trie = new CharTrie(list, false, caseless);
      return (value) => trie.matches(value);
    }
    case 'ends_with': {
      if (one !== undefined) return (value) => value.endsWith(one);
      if (small) return (value) => list.some((entry) => value.endsWith(entry));
      const trie = new CharTrie(list, true, caseless);
      return (value) => trie.matches(value);
    }
    case 'contains': {
      if (one !== undefined) return (value) => value.includes(one);
      if (small) return (value) => list.some((entry) => value.includes(entry));
      const automaton = new AhoCorasick(list, caseless);
      return (value) => automaton.matches(value);
    }
  }
}

/** Up to this many regexes, one combined RegExp is cheap enough; above, the literal prefilter pays. */
const SMALL_REGEX_LIST = 16;

interface Tester {
  test(text: string): boolean;
}

/**
 * Regexes are checked again here (a playbook built without the loader, e.g. in tests). A short list is joined
 * into one RegExp per case mode: `(?:a)|(?:b)`; entries with `(?i)` join the case-insensitive one. A long list
 * is prefiltered: each regex's required literal (required-literal.ts) goes into one Aho–Corasick automaton, and
 * only the regexes whose literal occurs in the value run; regexes without such a literal are joined as above.
 */
function regexMatcher(entries: readonly string[], ignoreCase: boolean, where: string): TextMatcher {
  const parsed = entries.map((entry) => {
    const hazard = regexHazard(entry);
    if (hazard !== null)
      throw new RampartError('RAMPART_CONFIG', `${where}: expected ${hazard}, got ${JSON.stringify(entry)}`, [
        { path: where, message: hazard },
      ]);
    const { source, ignoreCase: inline } = splitInlineFlags(entry);
    return { source, flags: ignoreCase || inline ? 'i' : '' };
  });
  const cut = (value: string) => (value.length > REGEX_INPUT_LIMIT ? value.slice(0, REGEX_INPUT_LIMIT) : value);
  const always: Tester[] = [];
  const literals = new Map<string, RegExp[]>();
  const rest: typeof parsed = [];
  for (const item of parsed) {
    const literal = parsed.length > SMALL_REGEX_LIST ? requiredLiteral(item.source, item.flags) : null;
    if (literal === null) rest.push(item);
    else {
      const list = literals.get(literal) ?? [];
      list.push(new RegExp(item.source, item.flags));
      literals.set(literal, list);
    }
  }
  for (const flags of ['', 'i']) {
    const sources = rest.filter((r) => r.flags === flags).map((r) => r.source);
    if (sources.length > 0) always.push(combined(sources, flags));
  }
  if (literals.size === 0) {
    if (always.length === 1) {
      const regex = always[0] as Tester;
      return (value) => regex.test(cut(value));
    }
    return (value) => {
      const text = cut(value);
      return always.some((regex) => regex.test(text));
    };
  }
  const automaton = new AhoCorasick(literals.keys());
  const groups = [...literals.values()];
  const tried = new Int32Array(groups.length).fill(-1);
  let call = 0;
  return (value) => {
    const text = cut(value);
    for (const regex of always) if (regex.test(text)) return true;
    const stamp = (call = (call + 1) | 0);
    let hit = false;
    automaton.forEachMatch(text.toLowerCase(), (index) => {
      if (tried[index] === stamp) return false;
      tried[index] = stamp;
      hit = (groups[index] as RegExp[]).some((regex) => regex.test(text));
      return hit;
    });
    return hit;
  };
}

function combined(sources: readonly string[], flags: string): Tester {
  if (sources.length === 1) return new RegExp(sources[0] as string, flags);
  // Named groups repeated across entries do not compile joined; such a list is tested entry by entry.
  try {
    return new RegExp(sources.map((s) => `(?:${s})`).join('|'), flags);
  } catch {
    const each = sources.map((s) => new RegExp(s, flags));
    return { test: (text: string) => each.some((r) => r.test(text)) };
  }
}
