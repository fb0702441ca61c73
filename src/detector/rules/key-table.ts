/** An entry of a KeyTable: its key, and whether it was used since the table's hand last passed it. */
export interface KeyEntry {
  readonly key: string;
  used: boolean;
}

/**
 * A bounded table of keyed entries for the detector's per-key state and caches (a rule's keys, known values,
 * hashed tokens): key → entry, and when full an entry not used for a while is dropped to make room. The order
 * is the CLOCK approximation of least-recently-used (second chance): entries sit in a ring in the order they
 * came; a use only marks the entry; a new entry takes the place of the first one the hand finds unmarked,
 * clearing the marks it passes. So an entry used since the hand last came by is never the one dropped, and a new
 * entry has a whole turn of the hand before it can be.
 *
 * Why not LruMap: a lookup here is a cache miss on most events (4,000 guests' addresses in each of a dozen rules
 * do not stay in cache). An exact LRU moves the key to the front on every use, which reads and writes its two
 * neighbours in the order: two more scattered reads per table per event. Marking writes to the entry the caller
 * reads anyway. (Which key goes first only matters when a table holds its maximum: a flood.)
 */
export class KeyTable<E extends KeyEntry> {
  private readonly map = new Map<string, E>();
  private readonly ring: E[] = [];
  private hand = 0;
  /** Entries dropped to stay under the capacity since creation. */
  evictions = 0;

  /** `onEvict` hears of every entry dropped to stay under the capacity. */
  constructor(
    readonly max: number,
    private readonly onEvict?: (entry: E) => void,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error('a key table needs a capacity ≥ 1');
  }

  get size(): number {
    return this.map.size;
  }

  /** The key's entry, marked as used; undefined when the table does not hold it. */
  get(key: string): E | undefined {
    const entry = this.map.get(key);
    if (entry !== undefined) entry.used = true;
    return entry;
  }

  /** The key's entry, not marked. */
  peek(key: string): E | undefined {
    return this.map.get(key);
  }

  /** Adds an entry whose key the table does not hold; when full, first drops one (onEvict hears of it). */
  add(entry: E): void {
    if (this.map.has(entry.key)) throw new Error(`key table: "${entry.key}" is already held`);
    entry.used = false;
    const ring = this.ring;
    if (ring.length < this.max) {
      ring.push(entry);
    } else {
      let victim = ring[this.hand] as E;
      while (victim.used) {
        victim.used = false;
        this.hand = this.hand + 1 === ring.length ? 0 : this.hand + 1;
        victim = ring[this.hand] as E;
      }
      this.map.delete(victim.key);
      this.evictions++;
      ring[this.hand] = entry;
      this.hand = this.hand + 1 === ring.length ? 0 : this.hand + 1;
      this.onEvict?.(victim);
    }
    this.map.set(entry.key, entry);
  }

  /** Every entry, from the next the hand will look at round to the newest. */
  *entries(): IterableIterator<E> {
    const ring = this.ring;
    for (let k = 0; k < ring.length; k++) yield ring[(this.hand + k) % ring.length] as E;
  }
}
