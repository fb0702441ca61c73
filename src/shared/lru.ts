/**
 * A bounded least-recently-used index of string keys: key → slot number, with the recency order kept in a
 * doubly linked list in typed arrays. Every operation is O(1): touching a key relinks two slots, and a full
 * index reuses the least recent slot. (A Map used as an LRU by delete + re-insert is not: evicting its first
 * key must step over every entry deleted since V8 last rehashed it — ≈ 49 µs per new key at 100,000 keys.)
 *
 * Callers keep their values in their own arrays indexed by slot (a plain number[] stays unboxed), or use
 * LruMap. Slots are handed out 0, 1, 2, … and then reused, so such arrays stay packed.
 */
export class LruIndex {
  readonly capacity: number;
  private readonly slots = new Map<string, number>();
  private readonly keyOf: string[] = [];
  private prev: Int32Array;
  private next: Int32Array;
  /** Least recent slot, or -1 when empty. */
  private head = -1;
  /** Most recent slot, or -1 when empty. */
  private tail = -1;
  /** Slots freed by remove(), reused before new ones. */
  private readonly free: number[] = [];
  /** The key the last add() pushed out, or null. */
  evicted: string | null = null;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('an LRU needs a capacity ≥ 1');
    this.capacity = capacity;
    const initial = Math.min(capacity, 64);
    this.prev = new Int32Array(initial);
    this.next = new Int32Array(initial);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The key's slot, or -1; does not change its recency. */
  find(key: string): number {
    return this.slots.get(key) ?? -1;
  }

  keyAt(slot: number): string {
    return this.keyOf[slot] as string;
  }

  /** Marks a slot (from find) the most recently used. */
  touch(slot: number): void {
    if (slot === this.tail) return;
    this.unlink(slot);
    this.append(slot);
  }

  /**
   * Adds a key that is not present as the most recent and returns its slot. When full, the least recent key
   * is dropped (its name in `evicted`) and its slot reused: the caller overwrites the slot's value.
   */
  add(key: string): number {
    let slot: number;
    this.evicted = null;
    if (this.slots.size >= this.capacity) {
      slot = this.head;
      const old = this.keyOf[slot] as string;
      this.slots.delete(old);
      this.evicted = old;
      this.unlink(slot);
    } else if (this.free.length > 0) {
      slot = this.free.pop() as number;
    } else {
      slot = this.keyOf.length;
      if (slot >= this.prev.length) this.grow();
      this.keyOf.push(key);
    }
    this.keyOf[slot] = key;
    this.slots.set(key, slot);
    this.append(slot);
    return slot;
  }

  /** Forgets a key; returns the slot it had (now free) or -1. */
  remove(key: string): number {
    const slot = this.slots.get(key);
    if (slot === undefined) return -1;
    this.slots.delete(key);
    this.unlink(slot);
    this.keyOf[slot] = '';
    this.free.push(slot);
    return slot;
  }

  /** Forgets every key; the capacity stays. */
  clear(): void {
    this.slots.clear();
    this.keyOf.length = 0;
    this.free.length = 0;
    this.head = -1;
    this.tail = -1;
    this.evicted = null;
  }

  /** Slots from least to most recently used. */
  *slotsOldestFirst(): IterableIterator<number> {
    for (let slot = this.head; slot !== -1; slot = this.next[slot] as number) yield slot;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot] as number;
    const n = this.next[slot] as number;
    if (p === -1) this.head = n;
    else this.next[p] = n;
    if (n === -1) this.tail = p;
    else this.prev[n] = p;
  }

  private append(slot: number): void {
    this.prev[slot] = this.tail;
    this.next[slot] = -1;
    if (this.tail === -1) this.head = slot;
    else this.next[this.tail] = slot;
    this.tail = slot;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.prev.length * 2);
    const prev = new Int32Array(size);
    const next = new Int32Array(size);
    prev.set(this.prev);
    next.set(this.next);
    this.prev = prev;
    this.next = next;
  }
}

/**
 * A bounded LRU map on LruIndex. get() counts as a use; peek() does not. Every per-key table of the gateway and
 * the detector sits in one, so a flood of random addresses, tokens or paths costs evictions, never memory.
 */
export class LruMap<V> {
  private readonly index: LruIndex;
  private readonly values: (V | undefined)[] = [];
  /** Keys dropped to stay under the capacity since creation (or the last clear). */
  evictions = 0;

  /** `onEvict` hears of every key dropped to stay under the capacity, with its value (not of delete or clear). */
  constructor(
    capacity: number,
    private readonly onEvict?: (key: string, value: V) => void,
  ) {
    this.index = new LruIndex(capacity);
  }

  /** The capacity: at most this many keys. */
  get max(): number {
    return this.index.capacity;
  }

  get size(): number {
    return this.index.size;
  }

  has(key: string): boolean {
    return this.index.find(key) !== -1;
  }

  peek(key: string): V | undefined {
    const slot = this.index.find(key);
    return slot === -1 ? undefined : this.values[slot];
  }

  /** The key's slot or -1, for a caller that reads (valueAt) and then maybe touches it without a second lookup. */
  find(key: string): number {
    return this.index.find(key);
  }

  valueAt(slot: number): V | undefined {
    return this.values[slot];
  }

  /** Makes the key in this slot the most recent. */
  touch(slot: number): void {
    this.index.touch(slot);
  }

  get(key: string): V | undefined {
    const slot = this.index.find(key);
    if (slot === -1) return undefined;
    this.index.touch(slot);
    return this.values[slot];
  }

  /** Sets the value and makes the key the most recent; evicts the least recent key when full. */
  set(key: string, value: V): void {
    let slot = this.index.find(key);
    if (slot === -1) {
      slot = this.index.add(key);
      if (this.index.evicted !== null) {
        this.evictions++;
        this.onEvict?.(this.index.evicted, this.values[slot] as V);
      }
    } else this.index.touch(slot);
    this.values[slot] = value;
  }

  clear(): void {
    this.index.clear();
    this.values.length = 0;
    this.evictions = 0;
  }

  delete(key: string): boolean {
    const slot = this.index.remove(key);
    if (slot === -1) return false;
    this.values[slot] = undefined;
    return true;
  }

  /** Entries from least to most recently used. */
  *entries(): IterableIterator<[string, V]> {
    for (const slot of this.index.slotsOldestFirst()) yield [this.index.keyAt(slot), this.values[slot] as V];
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }
}
