import { describe, expect, it } from 'vitest';
import { KeyTable } from './key-table.js';
import type { KeyEntry } from './key-table.js';

interface Entry extends KeyEntry {
  value: number;
}

const entry = (key: string, value = 0): Entry => ({ key, value, used: false });
const keysOf = (table: KeyTable<Entry>) => [...table.entries()].map((e) => e.key);

describe('KeyTable', () => {
  it('when full, drops the oldest entry not used since the hand passed it; get counts as a use, peek does not', () => {
    const dropped: string[] = [];
    const table = new KeyTable<Entry>(3, (e) => dropped.push(`${e.key}=${e.value}`));
    table.add(entry('a', 1));
    table.add(entry('b', 2));
    table.add(entry('c', 3));
    expect(table.get('a')?.value).toBe(1);
    expect(table.peek('b')?.value).toBe(2);
    table.add(entry('d', 4));
    expect(dropped).toEqual(['b=2']);
    expect(table.peek('b')).toBeUndefined();
    table.add(entry('e', 5));
    expect(dropped).toEqual(['b=2', 'c=3']);
    expect(table.size).toBe(3);
    expect(table.evictions).toBe(2);
    // a lost its mark when the hand passed it: unused since, it goes next, before the newer d and e.
    table.add(entry('f', 6));
    expect(dropped).toEqual(['b=2', 'c=3', 'a=1']);
    expect(keysOf(table)).toEqual(['d', 'e', 'f']);
  });

  it('never drops an entry used since the hand last passed it, nor a newer one before an older one', () => {
    const dropped: string[] = [];
    const watched = new KeyTable<Entry>(100, (e) => dropped.push(e.key));
    for (let i = 0; i < 100; i++) watched.add(entry(`k${i}`));
    // A busy key, used between every new key of a flood: it stays while the flood passes through.
    for (let i = 0; i < 1_000; i++) {
      watched.get('k7');
      watched.add(entry(`flood${i}`));
    }
    expect(watched.peek('k7')).toBeDefined();
    expect(dropped).not.toContain('k7');
    // The flood's keys go in the order they came.
    const order = dropped.filter((k) => k.startsWith('flood')).map((k) => Number(k.slice(5)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(watched.size).toBe(100);
  });

  it('refuses an entry whose key it holds, and a capacity below one', () => {
    const table = new KeyTable<Entry>(2);
    table.add(entry('a'));
    expect(() => table.add(entry('a'))).toThrow(/already held/);
    expect(() => new KeyTable<Entry>(0)).toThrow(/capacity/);
  });

  it('takes an entry back after dropping it, unmarked', () => {
    const table = new KeyTable<Entry>(2);
    const a = entry('a');
    table.add(a);
    table.get('a');
    table.add(entry('b'));
    table.add(entry('c'));
    expect(table.peek('a')).toBeDefined();
    expect(table.peek('b')).toBeUndefined();
    table.add(entry('d'));
    expect(table.peek('a')).toBeUndefined();
    table.add(a);
    expect(a.used).toBe(false);
    expect(keysOf(table).sort()).toEqual(['a', 'd']);
  });
});
