import { afterEach, describe, expect, it, vi } from 'vitest';
import { LruIndex, LruMap } from './lru.js';

describe('LruIndex', () => {
  it('forgets exactly the least recently used key when full, and touching a key saves it', () => {
    const lru = new LruIndex(3);
    for (const k of ['a', 'b', 'c']) lru.add(k);
    lru.touch(lru.find('a'));
    lru.add('d');
    expect(lru.evicted).toBe('b');
    expect(lru.find('b')).toBe(-1);
    lru.add('e');
    expect(lru.evicted).toBe('c');
    expect([...lru.slotsOldestFirst()].map((s) => lru.keyAt(s))).toEqual(['a', 'd', 'e']);
    expect(lru.size).toBe(3);
  });

  it('reuses removed slots before taking new ones', () => {
    const lru = new LruIndex(4);
    const a = lru.add('a');
    lru.add('b');
    expect(lru.remove('a')).toBe(a);
    expect(lru.remove('a')).toBe(-1);
    expect(lru.add('c')).toBe(a);
    expect([...lru.slotsOldestFirst()].map((s) => lru.keyAt(s))).toEqual(['b', 'c']);
  });
});

describe('LruMap', () => {
  afterEach(() => vi.restoreAllMocks());

  it('get counts as a use, peek does not', () => {
    const m = new LruMap<number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.peek('a')).toBe(1);
    m.set('c', 3);
    expect(m.has('a')).toBe(false);
    expect(m.get('b')).toBe(2);
    m.set('d', 4);
    expect([...m]).toEqual([['b', 2], ['d', 4]]);
    expect(m.delete('b')).toBe(true);
    expect(m.size).toBe(1);
  });

  it('evicts in constant work per key at its bound: no Map iteration, exact size, slots never beyond capacity', () => {
    // A Map-based LRU evicts by iterating keys(), stepping over every deleted entry; this one must not iterate.
    const iterations = [
      vi.spyOn(Map.prototype, 'keys'),
      vi.spyOn(Map.prototype, 'entries'),
      vi.spyOn(Map.prototype, 'values'),
      vi.spyOn(Map.prototype, 'forEach'),
    ];
    const m = new LruMap<number>(1_000);
    for (let i = 0; i < 50_000; i++) {
      m.set(`k${i}`, i);
      if (i % 3 === 0) m.get(`k${i >> 1}`);
    }
    for (const spy of iterations) expect(spy).not.toHaveBeenCalled();
    expect(m.size).toBe(1_000);
    const index = (m as unknown as { index: { prev: Int32Array; next: Int32Array; keyOf: string[] } }).index;
    expect(index.prev.length).toBeLessThanOrEqual(1_000);
    expect(index.keyOf.length).toBe(1_000);
    // The 1,000 survivors are the most recently used ones.
    expect(m.has('k49999')).toBe(true);
    expect(m.has('k48000')).toBe(false);
  });
});
