import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailFile } from './file-tailer.js';
import type { Tail } from './file-tailer.js';

let dir: string;
let tails: Tail[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-tail-'));
});

afterEach(async () => {
  await Promise.all(tails.map((tail) => tail.stop()));
  tails = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Polls a condition with a bounded deadline instead of sleeping a fixed time. */
async function until(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function start(path: string, from: 'end' | 'start', extra: { maxLineBytes?: number } = {}) {
  const lines: string[] = [];
  const skips: string[] = [];
  const tail = tailFile(path, {
    from,
    pollMs: 20,
    onLine: (line) => void lines.push(line),
    onSkip: (reason) => void skips.push(reason),
    ...extra,
  });
  tails.push(tail);
  return { lines, skips, tail };
}

describe('tailFile', () => {
  it("from 'end' skips old lines and follows appends; from 'start' reads everything", async () => {
    const path = join(dir, 'access.log');
    writeFileSync(path, 'old 1\nold 2\n');
    const end = start(path, 'end');
    const all = start(path, 'start');
    await until(() => all.lines.length === 2, 'existing lines');
    appendFileSync(path, 'new 1\nnew 2\n');
    await until(() => end.lines.length === 2 && all.lines.length === 4, 'appended lines');
    expect(end.lines).toEqual(['new 1', 'new 2']);
    expect(all.lines).toEqual(['old 1', 'old 2', 'new 1', 'new 2']);
    expect(end.tail.stats()).toEqual({ lines: 2, skipped: 0, rotations: 0, truncations: 0 });
  });

  it('finishes the old file after a rename, then reads the new one from its start', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, '');
    const { lines, tail } = start(path, 'end');
    appendFileSync(path, 'a\n');
    await until(() => lines.length === 1, 'first line');
    renameSync(path, `${path}.1`);
    // The writer still holds the old file for a moment after logrotate renamed it.
    appendFileSync(`${path}.1`, 'b (late write to the rotated file)\n');
    writeFileSync(path, 'c (new file)\n');
    await until(() => lines.length === 3, 'lines across rotation');
    expect(lines).toEqual(['a', 'b (late write to the rotated file)', 'c (new file)']);
    expect(tail.stats().rotations).toBe(1);
    appendFileSync(path, 'd\n');
    await until(() => lines.length === 4, 'line after rotation');
  });

  it('starts over after copytruncate', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'one\ntwo\n');
    const { lines, tail } = start(path, 'start');
    await until(() => lines.length === 2, 'initial lines');
    truncateSync(path, 0);
    await until(() => tail.stats().truncations === 1, 'truncation seen');
    appendFileSync(path, 'three\n');
    await until(() => lines.length === 3, 'line after truncation');
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('waits for a file that does not exist yet and reads it from the start', async () => {
    const path = join(dir, 'later.log');
    const { lines } = start(path, 'end');
    await new Promise((resolve) => setTimeout(resolve, 60));
    writeFileSync(path, 'first\n');
    await until(() => lines.length === 1, 'line of the new file');
    expect(lines).toEqual(['first']);
  });

  it('holds a partial line until its newline arrives', async () => {
    const path = join(dir, 'partial.log');
    writeFileSync(path, '');
    const { lines, tail } = start(path, 'start');
    appendFileSync(path, 'half a li');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(lines).toEqual([]);
    appendFileSync(path, 'ne\nnext\n');
    await until(() => lines.length === 2, 'completed line');
    expect(lines).toEqual(['half a line', 'next']);
    expect(tail.stats().lines).toBe(2);
  });

  it('skips a 1 MB line with a reason and carries on', async () => {
    const path = join(dir, 'long.log');
    writeFileSync(path, '');
    const { lines, skips, tail } = start(path, 'start', { maxLineBytes: 64 * 1024 });
    appendFileSync(path, `before\n${'x'.repeat(1024 * 1024)}\nafter\n`);
    await until(() => lines.length === 2, 'lines around the long one');
    expect(lines).toEqual(['before', 'after']);
    expect(skips).toEqual(['line too long']);
    expect(tail.stats().skipped).toBe(1);
  });

  it('keeps going when onLine throws and reports it', async () => {
    const path = join(dir, 'throw.log');
    writeFileSync(path, 'bad\ngood\n');
    const seen: string[] = [];
    const errors: string[] = [];
    const tail = tailFile(path, {
      from: 'start',
      pollMs: 20,
      onLine: (line) => {
        if (line === 'bad') throw new Error('handler failed');
        seen.push(line);
      },
      onError: (error) => errors.push(error.message),
    });
    tails.push(tail);
    await until(() => seen.length === 1, 'good line');
    expect(errors).toEqual(['handler failed']);
  });

  it('stops cleanly and reads nothing after stop', async () => {
    const path = join(dir, 'stop.log');
    writeFileSync(path, '');
    const { lines, tail } = start(path, 'start');
    await tail.stop();
    await tail.stop();
    appendFileSync(path, 'ignored\n');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lines).toEqual([]);
  });
});
