interface TrieNode {
  next: Map<number, TrieNode> | undefined;
  /** A list entry ends here. */
  end: boolean;
}

const node = (): TrieNode => ({ next: undefined, end: false });

/**
 * Entries in a trie of UTF-16 code units, read forwards (prefixes) or backwards (suffixes). A lookup walks the
 * value once and stops at the first entry that ends, or where no entry goes on: a path seldom shares more than
 * a few characters with a list of scanner paths, so most lookups end after a handful of steps whatever the
 * list's length.
 */
export class CharTrie {
  private readonly root = node();
  /** A "" entry: every value matches. */
  private empty = false;

  /** `caseless`: entries are lower-case ASCII and the value's A-Z are read as a-z (see AhoCorasick). */
  constructor(
    entries: Iterable<string>,
    private readonly backwards: boolean,
    private readonly caseless = false,
  ) {
    for (const entry of entries) this.add(entry);
  }

  private add(entry: string): void {
    if (entry === '') {
      this.empty = true;
      return;
    }
    let at = this.root;
    const n = entry.length;
    for (let k = 0; k < n; k++) {
      const code = entry.charCodeAt(this.backwards ? n - 1 - k : k);
      at.next ??= new Map();
      let child = at.next.get(code);
      if (child === undefined) at.next.set(code, (child = node()));
      at = child;
    }
    at.end = true;
  }

  /** Whether some entry is a prefix (or, backwards, a suffix) of value. */
  matches(value: string): boolean {
    if (this.empty) return true;
    let at: TrieNode | undefined = this.root;
    const n = value.length;
    const fold = this.caseless;
    for (let k = 0; k < n; k++) {
      let code = value.charCodeAt(this.backwards ? n - 1 - k : k);
      if (fold && code >= 65 && code <= 90) code += 32;
      at = at.next?.get(code);
      if (at === undefined) return false;
      if (at.end) return true;
    }
    return false;
  }
}
