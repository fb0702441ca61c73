import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bouncerOfKey } from '../../enforcement/index.js';
import { ManualClock } from '../../shared/clock.js';
import { openStore } from '../../store/index.js';
import { buildProgram } from '../program.js';
import { shopPlaybook } from '../../enforcement/testing/shop-playbook.js';

/** A service behind nginx: no gateway, blocks served to bouncers. */
const PLAYBOOK = shopPlaybook();

describe('rampart bouncers … and the ENFORCED BY column of rampart mitigations', () => {
  let cwd = '';
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');

  async function run(...args: string[]) {
    const captured = { out: [] as string[], err: [] as string[], code: 0 };
    const program = buildProgram({
      io: {
        out: (l) => captured.out.push(l),
        err: (l) => captured.err.push(l),
        setExitCode: (c) => (captured.code = c),
      },
      env: { RAMPART_ACTOR: 'alice' },
      cwd,
      clock,
    });
    program.exitOverride();
    await program.parseAsync(args, { from: 'user' });
    return { out: captured.out.join('\n'), err: captured.err.join('\n'), code: captured.code };
  }

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-bouncers-'));
    mkdirSync(join(cwd, 'playbooks'));
    writeFileSync(join(cwd, 'playbooks', 'shop.yaml'), PLAYBOOK);
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('add prints the key once; list shows only its preview; delete makes it stop working', async () => {
    const added = await run('bouncers', 'add', 'edge-nginx');
    expect(added.code).toBe(0);
    const key = /^\s+(rb_\S+)$/m.exec(added.out)?.[1] ?? '';
    expect(key).toMatch(/^rb_[\w-]{32}$/);
    expect((await run('bouncers', 'add', 'edge-nginx')).err).toContain('a bouncer named "edge-nginx" exists');
    expect((await run('bouncers', 'add', 'bad name; rm -rf /')).err).toContain('bouncer name');

    const listed = await run('bouncers', 'list');
    expect(listed.out).toContain('edge-nginx');
    expect(listed.out).toContain(`${key.slice(0, 7)}…`);
    expect(listed.out).toContain('never');
    expect(listed.out).not.toContain(key);

    const store = await openStore(`sqlite:${join(cwd, '.rampart', 'rampart.db')}`, { cwd });
    try {
      expect((await bouncerOfKey(store, key))?.name).toBe('edge-nginx');
      expect(JSON.stringify(await store.bouncers.list())).not.toContain(key);
      expect((await run('bouncers', 'delete', 'edge-nginx')).out).toBe("deleted bouncer 'edge-nginx'");
      expect(await bouncerOfKey(store, key)).toBeUndefined();
      const audit = (await store.audit.list({ limit: 10 })).map((e) => e.action);
      expect(audit).toEqual(expect.arrayContaining(['bouncer.add', 'bouncer.delete']));
    } finally {
      await store.close();
    }
  });

  it('a block of a service no bouncer has pulled is shown as recorded but not enforced', async () => {
    expect((await run('block', '203.0.113.7', '--for', '1h', '--reason', 'by hand')).code).toBe(0);
    const listed = await run('mitigations');
    expect(listed.out).toContain('ENFORCED BY');
    expect(listed.out).toContain('recorded but not enforced');
  });
});
