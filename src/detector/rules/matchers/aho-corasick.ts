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
  private readonly empty: boolean;

  constructor(entries: Iterable<string>) {
    let empty = false;
    for (const entry of entries) {
      if (entry === '') empty = true;
      else this.insert(entry);
    }
    this.empty = empty;
    this.link();
  }

  private insert(entry: string): void {
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
        edges.set(code, next);
      }
      at = next;
    }
    this.out[at] = true;
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
        queue.push(child);
      }
    }
  }

  /** Whether some entry occurs in value. */
  matches(value: string): boolean {
    if (this.empty) return true;
    const edges = this.edges;
    const fail = this.fail;
    const out = this.out;
    let at = 0;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      let next = (edges[at] as Map<number, number>).get(code);
      while (next === undefined && at !== 0) {
        at = fail[at] as number;
        next = (edges[at] as Map<number, number>).get(code);
      }
      at = next ?? 0;
      if (out[at] === true) return true;
    }
    return false;
  }
}
