interface Entry<V> {
  value: V;
  /** Value of `clock` when the entry was last moved to the end. */
  movedAt: number;
}

/**
 * A Map capped at `max` entries that forgets the least recently used key first. Every per-key table in the
 * detector sits in one, so a flood of random IPs or paths costs evictions, never memory. Map keeps insertion
 * order, so the oldest entry is the first one and "touch" is delete + set. To keep that off the hot path an
 * entry is moved only once a quarter of `max` other moves have happened since its last: a key in use is never
 * evicted while fewer than 3/4 of `max` other keys were used after it.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private readonly slack: number;
  private clock = 0;
  /** Entries dropped to stay under the cap since creation. */
  evictions = 0;

  constructor(
    readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`LruMap: max must be a positive integer, got ${max}`);
    this.slack = Math.floor(max / 4);
  }

  get size(): number {
    return this.map.size;
  }

  /** Reads and marks as recently used. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (this.clock - entry.movedAt > this.slack) {
      this.map.delete(key);
      this.map.set(key, entry);
      entry.movedAt = ++this.clock;
    }
    return entry.value;
  }

  /** Reads without changing the order. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    const existing = this.map.get(key);
    if (existing !== undefined) this.map.delete(key);
    this.map.set(key, { value, movedAt: ++this.clock });
    if (this.map.size > this.max) {
      const oldest = this.map.entries().next();
      if (oldest.done !== true) {
        this.map.delete(oldest.value[0]);
        this.evictions++;
        this.onEvict?.(oldest.value[0], oldest.value[1].value);
      }
    }
  }

  clear(): void {
    this.map.clear();
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Oldest first (approximately: see the class comment). */
  *entries(): IterableIterator<[K, V]> {
    for (const [key, entry] of this.map) yield [key, entry.value];
  }
}
