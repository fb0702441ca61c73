import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/run-cli.js';
import { openStore } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';

const engines = await contractEngines();

describe.each(engines)('rampart refuses what a store cannot keep, on $name', (engine) => {
  let target: EngineTarget;
  let cwd: string;
  const run = (...args: string[]) =>
    runCli(args, { cwd, env: engine.name === 'postgres' ? { DATABASE_URL: target.url } : {} });

  beforeAll(async () => {
    target = await engine.create();
    cwd = mkdtempSync(join(tmpdir(), 'rampart-cli-edges-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
  });
  afterAll(async () => {
    rmSync(cwd, { recursive: true, force: true });
    await target.drop();
  });

  const incidentCount = async () => {
    const store = await openStore(engine.name === 'postgres' ? target.url : 'sqlite:.rampart/rampart.db', {
      cwd,
    });
    try {
      return (await store.incidents.list({ limit: 1000 })).length;
    } finally {
      await store.close();
    }
  };

  // argv cannot carry U+0000 (execve ends the string there), so the other C0 controls stand in for it here.
  it('refuses a control character in a title or a note, naming the option, and stores nothing', async () => {
    const opened = await run(
      'incident',
      'open',
      '--service',
      'guest-api',
      '--title',
      'Gallery down',
      '--json',
    );
    expect(opened.code).toBe(0);
    const id = (JSON.parse(opened.out) as { id: string }).id;
    const before = await incidentCount();

    const title = await run('incident', 'open', '--service', 'guest-api', '--title', 'Gallery\u0001 down');
    expect(title.code).toBe(1);
    expect(title.err).toContain('--title: contains a control character (U+0001) that cannot be stored');
    expect(await incidentCount()).toBe(before);

    const note = await run('incident', 'note', id, 'a\u001bnote');
    expect(note.code).toBe(1);
    expect(note.err).toContain('argument 2: contains a control character (U+001B)');
    const shown = await run('incident', 'show', id, '--json');
    expect(shown.out).not.toContain('"kind": "note"');
    expect(shown.out).toContain('"kind"');
  });

  it('bounds every number an option takes, naming the option and the limit', async () => {
    const audit = await run('audit', '--limit', '1e12');
    expect(audit.code).toBe(1);
    expect(audit.err).toContain('--limit: expected a whole number from 1 to 1000');
    const approve = await run('notify', 'approve', '99999999999999999999');
    expect(approve.code).toBe(1);
    expect(approve.err).toContain('id: expected a whole number from 1 to 2147483647');
    const tighten = await run(
      'limit',
      'tighten',
      'per-ip',
      '--to',
      '9000000000000000',
      '--reason',
      'flood',
      '--for',
      '1h',
    );
    expect(tighten.code).toBe(1);
    expect(tighten.err).toContain('--to: expected a whole number from 1 to 1000000000000');
    const block = await run('block', '203.0.113.7', '--for', '9999w', '--reason', 'abuse');
    expect(block.code).toBe(1);
    expect(block.err).toMatch(/forMs|--for/);
    expect(block.err).toContain('31622400000');
  });
});
