import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogOf, type DeskContext } from '../desk/index.js';
import { testPolicy } from '../desk/testing/test-policy.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { HookSpec, Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openStore, type Store } from '../store/index.js';
import { newIncident } from '../store/testing/fixtures.js';
import { describeCoverage } from '../domain/enforcement.js';
import { watchCoverage } from './coverage-watch.js';
import { startHookLoop, type HookLoop } from './hook-loop.js';
import { MAX_HOOK_OUTPUT } from './run-hook.js';

const playbook = (hooks: Partial<HookSpec>[], ackWithin = 30_000) =>
  ({
    service: { name: 'guest-api' },
    enforcement: {
      bouncers: false,
      ack_within: ackWithin,
      hooks: hooks.map((h) => ({ kinds: ['block'], on: ['apply', 'lift', 'expire'], timeout: 10_000, ...h })),
    },
  }) as unknown as Playbook;

describe('action hooks run on apply, lift and expiry, without a shell, bounded in time and output', () => {
  let dir = '';
  let store: Store;
  let clock: ManualClock;
  let ctx: DeskContext;
  let loop: HookLoop | undefined;
  let incidentId = '';
  let n = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-hooks-'));
    store = await openStore('sqlite::memory:', { cwd: dir });
    clock = new ManualClock('2026-03-02T09:00:00.000Z');
    ctx = { store, clock, services: catalogOf([testPolicy]), actor: 'enforcement' };
    incidentId = (
      await store.incidents.create(
        newIncident({ service: 'guest-api', createdAt: clock.now().toISOString() }),
      )
    ).id;
  });
  afterEach(async () => {
    await loop?.stop();
    loop = undefined;
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const block = (target: string, o: Partial<Mitigation> = {}) =>
    store.mitigations.create({
      id: `mit-a000000${++n}`,
      service: 'guest-api',
      kind: 'block',
      target,
      reason: 'rule failed-logins: $(touch PWNED); touch PWNED2 #',
      author: 'detector',
      incidentId,
      createdAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
      liftedAt: null,
      liftedBy: null,
      data: {},
      ...o,
    });
  const timeline = async () => (await store.timeline.list(incidentId)).map((e) => e.summary);

  it('gives the mitigation to the command as RAMPART_* variables and {placeholders}, once per event, never its own secrets', async () => {
    const log = join(dir, 'calls.log');
    const script = join(dir, 'deny.sh');
    await writeFile(
      script,
      `#!/bin/sh\nprintf '%s|%s|%s|%s|%s|%s\\n' "$RAMPART_ACTION" "$RAMPART_KIND" "$RAMPART_TARGET" "$1" "$RAMPART_REASON" "\${RAMPART_TOKEN_KEY:-no-secret}" >> "$CALLS"\necho "denied $RAMPART_TARGET"\n`,
    );
    await chmod(script, 0o755);
    process.env.RAMPART_TOKEN_KEY = 'a-secret-the-hook-must-not-see';
    loop = startHookLoop({
      playbooks: [playbook([{ name: 'nginx-deny', command: [script, 'ip={target}'], env: { CALLS: log } }])],
      ctx,
      logger: createLogger({ level: 'silent' }),
      cwd: dir,
      intervalMs: 60_000,
    });
    const lifted = await block('203.0.113.7');
    const expiring = await block('198.51.100.0/24');
    await loop.reconcile();
    await loop.reconcile();
    await store.mitigations.lift(lifted.id, clock.now().toISOString(), 'cli:bob');
    await loop.reconcile();
    clock.advance(61_000);
    await loop.reconcile();
    await loop.reconcile();
    delete process.env.RAMPART_TOKEN_KEY;

    const reason = 'rule failed-logins: $(touch PWNED); touch PWNED2 #';
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      `apply|block|203.0.113.7|ip=203.0.113.7|${reason}|no-secret`,
      `apply|block|198.51.100.0/24|ip=198.51.100.0/24|${reason}|no-secret`,
      `lift|block|203.0.113.7|ip=203.0.113.7|${reason}|no-secret`,
      `expire|block|198.51.100.0/24|ip=198.51.100.0/24|${reason}|no-secret`,
    ]);
    expect(existsSync(join(dir, 'PWNED')) || existsSync(join(dir, 'PWNED2'))).toBe(false);
    const entries = await timeline();
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hook nginx-deny apply block 203\.0\.113\.7: exit 0 in \d+ ms$/),
        expect.stringMatching(/^hook nginx-deny lift block 203\.0\.113\.7: exit 0 in \d+ ms$/),
        expect.stringMatching(/^hook nginx-deny expire block 198\.51\.100\.0\/24: exit 0 in \d+ ms$/),
      ]),
    );
    const records = await store.enforcement.list([lifted.id, expiring.id]);
    expect(records.map((r) => [r.pointName, r.state])).toEqual([
      ['nginx-deny', 'removed'],
      ['nginx-deny', 'removed'],
    ]);
  });

  it('kills a hook that overruns its timeout, keeps only the start of a flood of output, and says it failed', async () => {
    loop = startHookLoop({
      playbooks: [
        playbook([
          { name: 'stuck', command: ['sleep', '30'], timeout: 300 },
          { name: 'chatty', command: ['sh', '-c', 'yes rampart | head -c 200000; exit 3'] },
          { name: 'missing', command: [join(dir, 'no-such-program')] },
        ]),
      ],
      ctx,
      logger: createLogger({ level: 'silent' }),
      cwd: dir,
      intervalMs: 60_000,
    });
    const m = await block('203.0.113.8');
    const started = performance.now();
    await loop.reconcile();
    expect(performance.now() - started).toBeLessThan(10_000);
    const entries = await store.timeline.list(incidentId);
    const of = (hook: string) => entries.find((e) => e.summary.startsWith(`hook ${hook} apply`));
    expect(of('stuck')?.summary).toMatch(/killed after \d+ ms \(timeout\)$/);
    expect(of('chatty')?.summary).toMatch(/exit 3 in \d+ ms$/);
    expect(of('chatty')?.data).toMatchObject({ truncated: true, ok: false });
    expect(String(of('chatty')?.data.output)).toHaveLength(MAX_HOOK_OUTPUT);
    expect(of('missing')?.summary).toMatch(/ENOENT: cannot run .*no-such-program$/);
    const records = await store.enforcement.list([m.id]);
    expect(records.map((r) => [r.pointName, r.state]).sort()).toEqual([
      ['chatty', 'failed'],
      ['missing', 'failed'],
      ['stuck', 'failed'],
    ]);
    // None of them holds it: it is recorded but not enforced.
    expect(describeCoverage(m, records, Date.now())).toMatch(/^recorded but not enforced \(/);
  });

  it('marks a mitigation no point has acknowledged within ack_within, once, on its timeline', async () => {
    const watch = watchCoverage({
      playbooks: [playbook([], 30_000)],
      ctx,
      logger: createLogger({ level: 'silent' }),
      intervalMs: 60_000,
    });
    try {
      const nobody = await block('203.0.113.9');
      const gatewayHas = await block('203.0.113.10');
      await store.enforcement.acknowledge({
        mitigationId: gatewayHas.id,
        pointKind: 'gateway',
        pointName: 'guest-api@host',
        at: clock.now().toISOString(),
      });
      await watch.check();
      expect(await store.enforcement.listUnenforced([nobody.id])).toEqual([]);
      clock.advance(31_000);
      await watch.check();
      await watch.check();
      const marked = (await timeline()).filter((s) => s.includes('recorded but not enforced'));
      expect(marked).toEqual([
        'block 203.0.113.9 is recorded but not enforced: no gateway, bouncer or hook has it',
      ]);
      expect(await store.enforcement.listUnenforced([nobody.id, gatewayHas.id])).toEqual([nobody.id]);
    } finally {
      watch.stop();
    }
  });
});
