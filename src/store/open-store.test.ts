import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RampartError } from '../shared/errors.js';
import { openStore } from './open-store.js';
import { parsePostgresUrl, redactUrl } from './postgres/postgres-url.js';

describe('openStore', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-open-'));
  });
  afterEach(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('defaults to .rampart/rampart.db under the working directory', async () => {
    for (const url of [undefined, '', '  ']) {
      const store = await openStore(url, { cwd });
      expect(store.engine).toBe('sqlite');
      await store.close();
      expect(existsSync(join(cwd, '.rampart', 'rampart.db'))).toBe(true);
    }
  });

  it('opens sqlite: paths relative to the working directory, absolute ones as given, and :memory:', async () => {
    const relative = await openStore('sqlite:data/desk.db', { cwd });
    await relative.close();
    expect(existsSync(join(cwd, 'data', 'desk.db'))).toBe(true);
    const absolute = await openStore(`sqlite://${join(cwd, 'abs.db')}`, { cwd: tmpdir() });
    await absolute.close();
    expect(existsSync(join(cwd, 'abs.db'))).toBe(true);
    const memory = await openStore('sqlite::memory:', { cwd });
    await memory.close();
  });

  it('rejects an unknown scheme with a config error naming DATABASE_URL, without the password', async () => {
    const error = await openStore('mysql://app:hunter2@db/rampart', { cwd }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RampartError);
    expect(error).toMatchObject({ code: 'RAMPART_CONFIG' });
    expect((error as Error).message).toContain('DATABASE_URL');
    expect((error as Error).message).not.toContain('hunter2');
    await expect(openStore('sqlite:', { cwd })).rejects.toMatchObject({ code: 'RAMPART_CONFIG' });
  });

  it('reports an unreachable PostgreSQL as a config error without the password', async () => {
    const error = await openStore('postgres://app:s3cret-pw@127.0.0.1:1/rampart', { cwd }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'RAMPART_CONFIG' });
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(openStore('postgres://127.0.0.1:1/x?schema=a;drop', { cwd })).rejects.toMatchObject({
      code: 'RAMPART_CONFIG',
    });
  });
});

describe('parsePostgresUrl', () => {
  it("strips Rampart's schema parameter and keeps the others", () => {
    const target = parsePostgresUrl('postgresql://u:p@db:5432/app?schema=tenant_a&sslmode=require');
    expect(target.schema).toBe('tenant_a');
    expect(target.connectionString).toBe('postgresql://u:p@db:5432/app?sslmode=require');
  });

  it('names a user when the URL has none, as psql does', () => {
    expect(new URL(parsePostgresUrl('postgres://127.0.0.1/test').connectionString).username).not.toBe('');
  });

  it('redacts passwords', () => {
    expect(redactUrl('postgres://u:secret@db/app')).toBe('postgres://u:***@db/app');
    expect(redactUrl('not a url at all')).toBe('(unparsable URL)');
  });
});
