import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, startRampartUp } from '../support/rampart-up-process.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Every file Rampart keeps in .rampart/ after a start, with its mode. */
function modes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, mode(join(dir, name))]));
}

describe('rampart up keeps its state for its user alone', () => {
  const dirs: string[] = [];
  const workspace = () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rampart-modes-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
    dirs.push(cwd);
    return cwd;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates .rampart/ 0700 with the database, its WAL files and the keys 0600, under a permissive umask', async () => {
    expect(existsSync(CLI), 'run `npm run build` first (npm test does)').toBe(true);
    const cwd = workspace();
    const previous = process.umask(0o002);
    let up;
    try {
      up = await startRampartUp(cwd, { DATABASE_URL: '' });
    } finally {
      process.umask(previous);
    }
    try {
      const state = join(cwd, '.rampart');
      expect(mode(state)).toBe('700');
      const files = modes(state);
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining(['rampart.db', 'rampart.db-wal', 'rampart.db-shm', 'admin.key', 'token.key']),
      );
      for (const [name, m] of Object.entries(files)) expect(m, name).toBe('600');
    } finally {
      await up.stop();
    }
  });

  it('tightens a .rampart/ an earlier run left 0755 with 0644 files, and says so in its log', async () => {
    const cwd = workspace();
    const state = join(cwd, '.rampart');
    // A first start makes a real database; then the modes are loosened as an older Rampart left them.
    const first = await startRampartUp(cwd, { DATABASE_URL: '' });
    await first.stop();
    chmodSync(state, 0o755);
    for (const name of readdirSync(state)) chmodSync(join(state, name), 0o644);
    writeFileSync(join(state, 'rampart.db-journal'), '');
    chmodSync(join(state, 'rampart.db-journal'), 0o666);
    mkdirSync(join(state, 'keep-me-a-folder'), { mode: 0o755 });

    const up = await startRampartUp(cwd, { DATABASE_URL: '' });
    try {
      expect(mode(state)).toBe('700');
      for (const [name, m] of Object.entries(modes(state)))
        if (name !== 'keep-me-a-folder') expect(m, name).toBe('600');
      const log = up.output();
      expect(log).toContain(`tightened ${state} from 0755 to 0700`);
      expect(log).toContain(`tightened ${join(state, 'rampart.db')} from 0644 to 0600`);
      expect(log).toContain(`tightened ${join(state, 'admin.key')} from 0644 to 0600`);
      expect(log).toContain(`tightened ${join(state, 'rampart.db-journal')} from 0666 to 0600`);
      expect(log).not.toMatch(/rk_[A-Za-z0-9_-]{20,}/);
    } finally {
      await up.stop();
    }
  });
});
