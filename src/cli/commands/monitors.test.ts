import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApp, type FakeApp } from '../../monitors/testing/fake-app.js';
import { ManualClock } from '../../shared/clock.js';
import { openStore } from '../../store/index.js';
import type { CliIo } from '../io.js';
import { registerMonitorCommands } from './monitors.js';

describe('rampart monitors … / rampart routines', () => {
  let cwd: string;
  let app: FakeApp;
  const TOKEN = 'cli-known-good-token';
  const env = { RAMPART_ACTOR: 'bob', KNOWN_GOOD_TOKEN: TOKEN } as NodeJS.ProcessEnv;
  const clock = new ManualClock('2026-01-05T10:00:00.000Z');

  async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
    const captured = { out: [] as string[], err: [] as string[], code: 0 };
    const io: CliIo = {
      out: (line) => captured.out.push(line),
      err: (line) => captured.err.push(line),
      setExitCode: (code) => {
        captured.code = code;
      },
    };
    const program = new Command('rampart').option('--playbooks <dir>').exitOverride();
    registerMonitorCommands(program, { io, env, cwd, clock });
    await program.parseAsync(['node', 'rampart', ...args]);
    return { out: captured.out.join('\n'), err: captured.err.join('\n'), code: captured.code };
  }

  beforeAll(async () => {
    app = await startFakeApp({ knownToken: TOKEN });
    cwd = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
    const file = join(cwd, 'playbooks', 'fotospiel-public-api.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('http://127.0.0.1:8080', app.url));
  });
  afterAll(async () => {
    await app.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('runs a monitor now, lists its result, and a failure opens an incident through the desk', async () => {
    const ok = await run('monitors', 'run', 'guest-api', 'gallery-known-good');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^guest-api\/gallery-known-good {2}ok {2}200 in \d+ ms$/);
    app.healthy = false;
    const failed = await run('monitors', 'run', 'guest-api', 'gallery-known-good');
    app.healthy = true;
    expect(failed).toMatchObject({
      code: 1,
      out: 'guest-api/gallery-known-good  FAIL  expected status 200, got 503',
    });
    const listed = await run('monitors', 'list');
    expect(listed.out).toContain(
      'gallery-known-good     60s    2026-01-05T10:00:00.000Z  FAIL expected status 200, got 503',
    );
    expect(listed.out).toContain('health');
    const store = await openStore(undefined, { cwd });
    try {
      const incident = await store.incidents.findOpenByFingerprint(
        'guest-api',
        'guest-api:monitor:gallery-known-good',
      );
      expect(incident?.title).toBe('Monitor gallery-known-good failing: expected status 200, got 503');
    } finally {
      await store.close();
    }
    expect(await run('monitors', 'run', 'guest-api', 'nope')).toMatchObject({
      code: 1,
      err: 'error: monitor nope of guest-api not found',
    });
  });

  it('lists routines with their next due time, and review dates', async () => {
    const { out, code } = await run('routines');
    expect(code).toBe(0);
    expect(out).toContain('check-join-token-log   daily    on-call');
    expect(out).toMatch(
      /guest-api\s+check-join-token-log\s+daily\s+on-call\s+2026-01-06T08:00:00.000Z\s+never/,
    );
    expect(out).toMatch(/guest-api\s+review\s+review\s+fotospiel platform team\s+2026-01-19\s+never/);
    expect(out).toMatch(/booking-api\s+review\s+review\s+6FB Booking backend team\s+2024-09-19 \(overdue\)/);
    expect(out).toMatch(/booking-api\s+security-audit\s+monthly\s+team\s+2026-02-02T09:00:00.000Z/);
  });
});
