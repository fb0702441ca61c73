/** Up to this many nodes (4 MiB of table) the automaton keeps a dense ASCII transition table. */
const DENSE_MAX_NODES = 8_192;

/**
 * Aho–Corasick over UTF-16 code units: whether any of many entries occurs in a value, in one pass over the value
 * whatever the number of entries. Nodes are numbered; `fail` links are followed when no edge fits, and `out`
 * marks nodes where some entry ends (directly or through its fail chain), so a hit is seen at the first
 * character that completes any entry.
 */
export class AhoCorasick {
  private readonly edges: Map<number, number>[] = [new Map<number, number>()];
  private readonly fail: number[] = [0];
  private readonly out: boolean[] = [false];
  /** Per node, the indexes of the entries that end there or at a node of its fail chain. */
  private readonly ends: (number[] | undefined)[] = [undefined];
  private readonly empty: boolean;
  /** Transitions from the root for ASCII, in a flat table: most characters of a miss are read at the root. */
  private readonly rootAscii = new Int32Array(128);
  /**
   * Every node's ASCII transition with the fail links already followed (node * 128 + code → node), built when
   * the automaton has at most DENSE_MAX_NODES nodes: a scan then costs one array read per ASCII character.
   */
  private readonly dense: Int32Array | null;
  /** out as bytes, for the dense scan. */
  private readonly outBytes: Uint8Array;

  /**
   * `caseless`: the entries are lower-case ASCII and the value's A-Z are read as a-z while scanning, so an
   * ignore_case list costs no lower-cased copy of every value.
   */
  constructor(
    entries: Iterable<string>,
    private readonly caseless = false,
  ) {
    let empty = false;
    let index = 0;
    for (const entry of entries) {
      if (entry === '') empty = true;
      else this.insert(entry, index);
      index++;
    }
    this.empty = empty;
    this.link();
    for (const [code, next] of this.edges[0] as Map<number, number>) if (code < 128) this.rootAscii[code] = next;
    this.outBytes = Uint8Array.from(this.out, (o) => (o ? 1 : 0));
    this.dense = this.edges.length <= DENSE_MAX_NODES ? this.denseTable() : null;
  }

  /** Breadth-first order makes a node's fail target's row complete before the node's own. */
  private denseTable(): Int32Array {
    const table = new Int32Array(this.edges.length * 128);
    table.set(this.rootAscii, 0);
    const queue: number[] = [...(this.edges[0] as Map<number, number>).values()];
    for (let head = 0; head < queue.length; head++) {
      const at = queue[head] as number;
      const f = this.fail[at] as number;
      const row = at * 128;
      table.copyWithin(row, f * 128, f * 128 + 128);
      for (const [code, child] of this.edges[at] as Map<number, number>) {
        if (code < 128) table[row + code] = child;
        queue.push(child);
      }
    }
    return table;
  }

  private insert(entry: string, index: number): void {
    let at = 0;
    for (let i = 0; i < entry.length; i++) {
      const code = entry.charCodeAt(i);
      const edges = this.edges[at] as Map<number, number>;
      let next = edges.get(code);
      if (next === undefined) {
        next = this.edges.length;
        this.edges.push(new Map<number, number>());
        this.fail.push(0);
        this.out.push(false);
        this.ends.push(undefined);
        edges.set(code, next);
      }
      at = next;
    }
    this.out[at] = true;
    (this.ends[at] ??= []).push(index);
  }

  /** Breadth-first: a node's fail link is the longest proper suffix of its path that is also a path. */
  private link(): void {
    const queue: number[] = [];
    for (const child of (this.edges[0] as Map<number, number>).values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const at = queue[head] as number;
      for (const [code, child] of this.edges[at] as Map<number, number>) {
        let f = this.fail[at] as number;
        let target = (this.edges[f] as Map<number, number>).get(code);
        while (target === undefined && f !== 0) {
          f = this.fail[f] as number;
          target = (this.edges[f] as Map<number, number>).get(code);
        }
        const link = target !== undefined && target !== child ? target : 0;
        this.fail[child] = link;
        if (this.out[link] === true) this.out[child] = true;
        const inherited = this.ends[link];
        if (inherited !== undefined) this.ends[child] = [...(this.ends[child] ?? []), ...inherited];
        queue.push(child);
      }
    }
  }

  /** Whether some entry occurs in value. */
  matches(value: string): boolean {
    if (this.empty) return true;
    const dense = this.dense;
    if (dense !== null) {
      const out = this.outBytes;
      const fold = this.caseless;
      let at = 0;
      for (let i = 0; i < value.length; i++) {
        let code = value.charCodeAt(i);
        if (code >= 128) return this.scan(value, i, at);
        if (fold && code >= 65 && code <= 90) code += 32;
        at = dense[at * 128 + code] as number;
        if (out[at] === 1) return true;
      }
      return false;
    }
    return this.scan(value, 0, 0);
  }

  /** The scan with the edge maps, from character `from` in node `start` (non-ASCII text, or a huge list). */
  private scan(value: string, from: number, start: number): boolean {
    const edges = this.edges;
    const fail = this.fail;
    const out = this.out;
    const root = this.rootAscii;
    const fold = this.caseless;
    let at = start;
    for (let i = from; i < value.length; i++) {
      let code = value.charCodeAt(i);
      if (fold && code >= 65 && code <= 90) code += 32;
      if (at !== 0) {
        let next = (edges[at] as Map<number, number>).get(code);
        while (next === undefined) {
          at = fail[at] as number;
          if (at === 0) break;
          next = (edges[at] as Map<number, number>).get(code);
        }
        if (next !== undefined) {
          at = next;
          if (out[at] === true) return true;
          continue;
        }
      }
      // At the root: one table read for ASCII, which is most characters of a value that matches nothing.
      at = code < 128 ? (root[code] as number) : ((edges[0] as Map<number, number>).get(code) ?? 0);
      if (at !== 0 && out[at] === true) return true;
    }
    return false;
  }

  /**
   * Calls visit with the index (in the constructor's order) of every entry that occurs in value, possibly more
   * than once; stops when visit returns true.
   */
  forEachMatch(value: string, visit: (index: number) => boolean): void {
    const edges = this.edges;
    const fail = this.fail;
    const ends = this.ends;
    const root = this.rootAscii;
    let at = 0;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (at === 0 && code < 128) at = root[code] as number;
      else {
        let next = (edges[at] as Map<number, number>).get(code);
        while (next === undefined && at !== 0) {
          at = fail[at] as number;
          next = (edges[at] as Map<number, number>).get(code);
        }
        at = next ?? 0;
      }
      const found = ends[at];
      if (found !== undefined) for (const index of found) if (visit(index)) return;
    }
  }
}
