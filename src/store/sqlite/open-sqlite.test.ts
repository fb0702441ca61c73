import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from './open-sqlite.js';

const run = promisify(execFile);
const writerScript = fileURLToPath(new URL('../testing/sqlite-writer-process.ts', import.meta.url));

describe('openSqlite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-sqlite-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns WAL on in the file', async () => {
    const file = join(dir, 'nested', 'rampart.db');
    const store = await openSqlite(file);
    await store.close();
    const raw = new Database(file);
    try {
      expect(raw.prepare('pragma journal_mode').get()).toMatchObject({ journal_mode: 'wal' });
    } finally {
      raw.close();
    }
  });

  it('keeps every write when two processes open a fresh file and write at once', async () => {
    const file = join(dir, 'shared.db');
    const entries = 150;
    const writers = await Promise.all(
      [1, 2].map(() =>
        run(process.execPath, ['--import', 'tsx', writerScript, file, String(entries)], { timeout: 60_000 }),
      ),
    );
    const ids = writers.map((w) => w.stdout.trim());
    expect(new Set(ids).size).toBe(2);
    const store = await openSqlite(file);
    try {
      for (const id of ids) expect(await store.timeline.count(id)).toBe(entries);
    } finally {
      await store.close();
    }
  });

  it('works in memory for tests', async () => {
    const store = await openSqlite(':memory:');
    try {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await store.incidents.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
