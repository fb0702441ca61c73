import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { DRILLS } from '../../drills/index.js';
import { registerDrillCommand } from './drill.js';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('rampart').exitOverride();
  registerDrillCommand(program, {
    io: { out: (l) => out.push(l), err: (l) => err.push(l), setExitCode: (c) => (code = c) },
    env: {},
    cwd,
  });
  await program.parseAsync(args, { from: 'user' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('rampart drill', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-drill-cli-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('--list names and explains every drill', async () => {
    const r = await run(['drill', '--list'], tmp());
    for (const d of DRILLS) expect(r.out).toContain(d.name);
    expect(r.out).toContain('SEV-2');
    expect(DRILLS.map((d) => d.name)).toEqual([
      'token-enumeration',
      'credential-stuffing',
      'request-flood',
      'xff-spoofing',
      'token-mass-download',
      '5xx-regression',
      'storage-failure',
      'revoke-all-sessions',
    ]);
  });

  it('refuses a target that is not this machine, before sending anything', async () => {
    const r = await run(['drill', 'token-enumeration', '--target', 'http://203.0.113.9:8080'], tmp());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /--target: drills only send traffic to this machine .* "203\.0\.113\.9" is not loopback/,
    );
  });

  it('names the drills when the name is unknown', async () => {
    const r = await run(['drill', 'ddos-everything'], tmp());
    expect(r.code).toBe(1);
    expect(r.err).toContain('no drill named "ddos-everything"');
    expect(r.err).toContain('token-enumeration');
  });

  it('says how to start Rampart when there is no admin key here', async () => {
    const r = await run(['drill', 'token-enumeration'], tmp());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/admin key not found in .*admin\.key: start Rampart here with `npm start` first/);
  });
});
