import regjsparser from 'regjsparser';
import type { AstNode } from 'regjsparser';

const { parse } = regjsparser;
type Node = AstNode<{ lookbehind: true; namedGroups: true; unicodePropertyEscape: true }>;

/**
 * The longest run of literal characters every match of the regex must contain (lower-cased), or null when it
 * has none worth using. A list of thousands of regexes is then matched in two steps: Aho–Corasick finds which
 * of these literals occur in a value, and only their regexes run. V8 tries the alternatives of one combined
 * regex one after the other at every position, which for 5,000 entries costs milliseconds per value.
 */
export function requiredLiteral(source: string, flags: string): string | null {
  let tree: Node;
  try {
    tree = parse(source, flags, { lookbehind: true, namedGroups: true, unicodePropertyEscape: true });
  } catch {
    return null;
  }
  const best = longest(tree);
  return best.length >= MIN_LITERAL ? best.toLowerCase() : null;
}

/** Shorter literals occur in too many values to narrow anything down. */
const MIN_LITERAL = 3;

/** The longest literal run that must appear in any match of node. */
function longest(node: Node): string {
  switch (node.type) {
    case 'value':
      return String.fromCodePoint(node.codePoint);
    case 'alternative':
      return longestInSequence(node.body);
    case 'group':
      if (node.behavior !== 'normal' && node.behavior !== 'ignore') return '';
      return longestInSequence(node.body);
    case 'quantifier':
      return node.min >= 1 ? longest(node.body[0]) : '';
    default:
      // A disjunction needs one of several literals, a class one of several characters: none is required.
      return '';
  }
}

function longestInSequence(body: readonly Node[]): string {
  let best = '';
  let run = '';
  for (const part of body) {
    if (part.type === 'value') {
      run += String.fromCodePoint(part.codePoint);
      continue;
    }
    if (part.type === 'anchor' || (part.type === 'group' && part.behavior !== 'normal' && part.behavior !== 'ignore')) {
      continue;
    }
    if (run.length > best.length) best = run;
    run = '';
    const inner = longest(part);
    if (inner.length > best.length) best = inner;
  }
  return run.length > best.length ? run : best;
}
