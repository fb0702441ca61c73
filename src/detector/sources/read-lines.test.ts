import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLines } from './read-lines.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readLines', () => {
  it('delivers every line, including a last one without newline, across read chunks', async () => {
    const path = join(dir, 'a.log');
    const expected = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`);
    writeFileSync(path, expected.join('\r\n'));
    const seen: string[] = [];
    const result = await readLines(path, (line) => seen.push(line), { chunkBytes: 1000 });
    expect(seen).toEqual(expected);
    expect(result).toEqual({ lines: 5000, skipped: 0 });
  });

  it('skips over-long lines and counts them', async () => {
    const path = join(dir, 'b.log');
    writeFileSync(path, `a\n${'z'.repeat(200_000)}\nb\n`);
    const seen: string[] = [];
    const result = await readLines(path, (line) => seen.push(line));
    expect(seen).toEqual(['a', 'b']);
    expect(result.skipped).toBe(1);
  });

  it('rejects for a missing file', async () => {
    await expect(readLines(join(dir, 'missing.log'), () => undefined)).rejects.toThrow(/ENOENT/);
  });

  it('reads only the bytes it is told to (a log still being written is read as far as it was planned)', async () => {
    const path = join(dir, 'c.log');
    writeFileSync(path, 'one\ntwo\nthree\n');
    const seen: string[] = [];
    await readLines(path, (line) => seen.push(line), { bytes: 8 });
    expect(seen).toEqual(['one', 'two']);
    const none: string[] = [];
    await readLines(path, (line) => none.push(line), { bytes: 0 });
    expect(none).toEqual([]);
  });

  it('stops when its signal is aborted', async () => {
    const path = join(dir, 'd.log');
    writeFileSync(path, Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n'));
    const stop = new AbortController();
    let seen = 0;
    const read = readLines(
      path,
      () => {
        if (++seen === 10) stop.abort();
      },
      { chunkBytes: 4096, signal: stop.signal },
    );
    await expect(read).rejects.toThrow(/abort/i);
    expect(seen).toBeLessThan(50_000);
  });
});
