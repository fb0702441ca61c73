import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { replayFiles } from '../../detector/index.js';
import { seedPlaybook } from '../../detector/testing/events.js';
import type { CliIo } from '../io.js';
import { registerRulesCommands } from './rules.js';

const PLAYBOOKS = resolve(import.meta.dirname, '../../../playbooks');
const KEY = 'cli-test-token-key-0123';

async function run(cwd: string, ...args: string[]) {
  const captured = { out: [] as string[], err: [] as string[], code: 0 };
  const io: CliIo = {
    out: (line) => captured.out.push(line),
    err: (line) => captured.err.push(line),
    setExitCode: (code) => {
      captured.code = code;
    },
  };
  const program = new Command('rampart').exitOverride().option('--playbooks <dir>');
  registerRulesCommands(program, { io, env: { RAMPART_TOKEN_KEY: KEY }, cwd });
  await program.parseAsync(['node', 'rampart', '--playbooks', PLAYBOOKS, ...args]);
  return captured;
}

describe('rampart rules score', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scores a scenario against the playbook of its service: zero on ordinary traffic, every attack caught, exit 0', async () => {
    const result = await run(process.cwd(), 'rules', 'score', '--scenario', '6fb-monday', '--size', '1500');
    expect(result.err).toEqual([]);
    const text = result.out.join('\n');
    expect(text).toMatch(/^booking-api — a Monday-morning booking peak: 15 salons, 1500 customers: \d+ requests/);
    expect(text).toContain('ordinary traffic: 0 pages, 0 automatic mitigations, 0 signals');
    expect(text).toMatch(/credential-stuffing \(drill\) +25 +yes +.*credential-stuffing-ip/);
    expect(text).not.toContain('MISSED');
    expect(result.code).toBe(0);
  }, 120_000);

  it("writes the scenario as nginx lines whose replay finds the leaks where service.tokens says tokens sit", async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-score-'));
    const log = join(dir, 'access.log');
    const result = await run(dir, 'rules', 'score', '--scenario', 'fotospiel-saturday', '--size', '4',
      '--attack', 'token-mass-download', 'datacentre-scrape', '--write-log', 'access.log');
    expect(result.err).toEqual([]);
    const text = await readFile(log, 'utf8');
    // nginx logs the raw request: the join token sits in the path and in ?token= of signed downloads.
    expect(text).toMatch(/"GET \/api\/v1\/downloads\/\d+\.jpg\?token=[A-Za-z0-9]{24}&signature=/);
    const replayed = await replayFiles([log], { playbook: await seedPlaybook('fotospiel-public-api.yaml'), tokenKey: KEY, format: 'nginx' });
    expect(new Set(replayed.signals.map((s) => s.rule))).toEqual(new Set(['token-leak', 'token-scraped']));
  }, 120_000);

  it('refuses an unknown scenario, naming the known ones', async () => {
    const result = await run(process.cwd(), 'rules', 'score', '--scenario', 'sunday');
    expect(result.err.join('\n')).toContain('--scenario: unknown scenario "sunday" (known: fotospiel-saturday, 6fb-monday)');
    expect(result.code).toBe(1);
  });
});
