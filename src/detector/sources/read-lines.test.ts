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
});
