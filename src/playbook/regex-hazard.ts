import regjsparser from 'regjsparser';
import type { AstNode, CharacterClassBody, Features } from 'regjsparser';

// A CommonJS package: its functions hang off the default export in ESM.
const { parse } = regjsparser;

/**
 * Playbook regexes run on text an attacker writes (paths, queries, user agents), in a backtracking engine.
 * At load, a regex is refused when it has one of the shapes that make backtracking exponential in the length
 * of the input:
 *  - a repetition inside an unbounded repetition, `(a+)+`, `(\w+\s?)*`, `(\d{1,3})+` (star height 2);
 *  - alternatives that can start with the same character inside an unbounded repetition, `(a|ab)*`, `(\w|-)+`;
 *  - a backreference (`\1`, `\k<name>`), which no analysis of this kind can bound.
 * Polynomial shapes (`a.*b.*c`) are left: the detector hands a regex at most REGEX_INPUT_LIMIT characters of a
 * field, which bounds them. The analysis is conservative: a refused regex may be harmless, and the message says
 * how to write it instead (a list of simpler regexes, or a contains / starts_with list).
 */

const FEATURES = { lookbehind: true, namedGroups: true, unicodePropertyEscape: true } as const satisfies Features;
type Node = AstNode<typeof FEATURES>;

/** `(?i)` at the start (Go, PCRE and CrowdSec's rules write it) → the i flag, which JavaScript has no inline form for. */
export function splitInlineFlags(text: string): { source: string; ignoreCase: boolean } {
  return text.startsWith('(?i)') ? { source: text.slice(4), ignoreCase: true } : { source: text, ignoreCase: false };
}

/** Why the regex is refused, or null when it compiles and has none of the shapes above. */
export function regexHazard(text: string): string | null {
  const { source, ignoreCase } = splitInlineFlags(text);
  const flags = ignoreCase ? 'i' : '';
  try {
    new RegExp(source, flags);
  } catch (error) {
    return `a regular expression that compiles (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  let tree: Node;
  try {
    tree = parse(source, flags, FEATURES);
  } catch {
    return 'a regular expression without legacy syntax (it could not be checked for catastrophic backtracking)';
  }
  return walk(tree, false, ignoreCase);
}

const ADVICE = 'split it into a list of simpler regexes, or use contains / starts_with / ends_with';

function walk(node: Node, inLoop: boolean, ignoreCase: boolean): string | null {
  switch (node.type) {
    case 'reference':
      return `a regex without backreferences (${node.raw}): their backtracking cannot be bounded`;
    case 'quantifier': {
      const variable = node.max === undefined || node.max > node.min;
      if (inLoop && variable)
        return `a regex without a repetition inside a repetition (${node.raw} repeats inside an unbounded repetition: catastrophic backtracking; ${ADVICE})`;
      return walk(node.body[0], inLoop || node.max === undefined, ignoreCase);
    }
    case 'disjunction': {
      if (inLoop && overlapping(node.body, ignoreCase))
        return `a regex whose repeated alternatives cannot start alike (${node.raw} inside an unbounded repetition: catastrophic backtracking; ${ADVICE})`;
      for (const part of node.body) {
        const hazard = walk(part, inLoop, ignoreCase);
        if (hazard !== null) return hazard;
      }
      return null;
    }
    case 'alternative':
    case 'group':
      for (const part of node.body) {
        const hazard = walk(part, inLoop, ignoreCase);
        if (hazard !== null) return hazard;
      }
      return null;
    default:
      return null;
  }
}

/** The characters a node can start with: ASCII as a bitmap, anything else as one flag; `empty` if it can match "". */
interface FirstSet {
  ascii: Uint32Array;
  other: boolean;
  empty: boolean;
}

const newSet = (): FirstSet => ({ ascii: new Uint32Array(4), other: false, empty: false });
const addCode = (set: FirstSet, code: number) => {
  if (code < 128) set.ascii[code >> 5] = (set.ascii[code >> 5] as number) | (1 << (code & 31));
  else set.other = true;
};
const addRange = (set: FirstSet, from: number, to: number) => {
  for (let c = from; c <= Math.min(to, 127); c++) addCode(set, c);
  if (to >= 128) set.other = true;
};
const fill = (set: FirstSet) => {
  set.ascii.fill(0xffffffff);
  set.other = true;
};

function overlapping(alternatives: readonly Node[], ignoreCase: boolean): boolean {
  const sets = alternatives.map((a) => first(a, ignoreCase));
  if (sets.some((s) => s.empty)) return true;
  for (let i = 0; i < sets.length; i++)
    for (let j = i + 1; j < sets.length; j++) {
      const a = sets[i] as FirstSet;
      const b = sets[j] as FirstSet;
      if (a.other && b.other) return true;
      for (let w = 0; w < 4; w++) if (((a.ascii[w] as number) & (b.ascii[w] as number)) !== 0) return true;
    }
  return false;
}

function escapeSet(set: FirstSet, kind: string): void {
  const lower = kind.toLowerCase();
  const part = newSet();
  if (lower === 'd') addRange(part, 48, 57);
  else if (lower === 'w') {
    addRange(part, 48, 57);
    addRange(part, 65, 90);
    addRange(part, 97, 122);
    addCode(part, 95);
  } else {
    for (const c of [9, 10, 11, 12, 13, 32]) addCode(part, c);
    part.other = true;
  }
  if (kind !== lower) {
    for (let w = 0; w < 4; w++) part.ascii[w] = ~(part.ascii[w] as number) >>> 0;
    part.other = true;
  }
  for (let w = 0; w < 4; w++) set.ascii[w] = ((set.ascii[w] as number) | (part.ascii[w] as number)) >>> 0;
  set.other ||= part.other;
}

function classMember(set: FirstSet, member: CharacterClassBody): void {
  switch (member.type) {
    case 'value':
      addCode(set, member.codePoint);
      break;
    case 'characterClassRange':
      addRange(set, member.min.codePoint, member.max.codePoint);
      break;
    case 'characterClassEscape':
      escapeSet(set, member.value);
      break;
    default:
      fill(set);
  }
}

function first(node: Node, ignoreCase: boolean): FirstSet {
  const set = newSet();
  switch (node.type) {
    case 'value': {
      addCode(set, node.codePoint);
      if (ignoreCase) {
        const text = String.fromCodePoint(node.codePoint);
        addCode(set, text.toLowerCase().codePointAt(0) ?? node.codePoint);
        addCode(set, text.toUpperCase().codePointAt(0) ?? node.codePoint);
      }
      return set;
    }
    case 'dot':
    case 'unicodePropertyEscape':
    case 'reference':
      fill(set);
      return set;
    case 'characterClassEscape':
      escapeSet(set, node.value);
      return set;
    case 'characterClass': {
      for (const member of node.body) classMember(set, member);
      if (node.negative || ignoreCase) fill(set);
      return set;
    }
    case 'anchor':
      set.empty = true;
      return set;
    case 'quantifier': {
      const inner = first(node.body[0], ignoreCase);
      if (node.min === 0) inner.empty = true;
      return inner;
    }
    case 'disjunction': {
      for (const part of node.body) merge(set, first(part, ignoreCase));
      return set;
    }
    case 'group':
      if (node.behavior !== 'normal' && node.behavior !== 'ignore') {
        // Lookarounds match no characters.
        set.empty = true;
        return set;
      }
      return sequence(node.body, ignoreCase);
    case 'alternative':
      return sequence(node.body, ignoreCase);
    default:
      fill(set);
      return set;
  }
}

function sequence(body: readonly Node[], ignoreCase: boolean): FirstSet {
  const set = newSet();
  for (const part of body) {
    const next = first(part, ignoreCase);
    merge(set, next);
    if (!next.empty) return set;
  }
  set.empty = true;
  return set;
}

function merge(into: FirstSet, from: FirstSet): void {
  for (let w = 0; w < 4; w++) into.ascii[w] = ((into.ascii[w] as number) | (from.ascii[w] as number)) >>> 0;
  into.other ||= from.other;
  into.empty ||= from.empty;
}
