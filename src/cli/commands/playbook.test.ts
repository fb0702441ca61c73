import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { registerPlaybookCommands } from './playbook.js';

const PLAYBOOKS = resolve(import.meta.dirname, '../../../playbooks');

async function run(...args: string[]): Promise<{ out: string[]; err: string[]; code: number }> {
  return runIn(process.cwd(), ...args);
}

async function runIn(cwd: string, ...args: string[]): Promise<{ out: string[]; err: string[]; code: number }> {
  const captured = { out: [] as string[], err: [] as string[], code: 0 };
  const io: CliIo = {
    out: (line) => captured.out.push(line),
    err: (line) => captured.err.push(line),
    setExitCode: (code) => {
      captured.code = code;
    },
  };
  const program = new Command('rampart').exitOverride();
  registerPlaybookCommands(program, io, () => new Date('2025-01-01T00:00:00Z'), cwd);
  await program.parseAsync(['node', 'rampart', ...args]);
  return captured;
}

/** The "ok" lines (a playbook that includes a pack lists the pack's rules under its own). */
const okLines = (out: string[]) => out.filter((l) => l.startsWith('ok  '));

/** A folder holding the seed playbooks' log files (empty), so validate has nothing to warn about. */
async function dirWithLogs(existing?: string): Promise<string> {
  const dir = existing ?? (await mkdtemp(join(tmpdir(), 'rampart-cli-')));
  for (const log of ['logs/uvicorn-access.log', 'logs/uvicorn-error.log', 'logs/security.log', 'storage/logs/laravel.log']) {
    await mkdir(dirname(join(dir, log)), { recursive: true });
    await writeFile(join(dir, log), '');
  }
  return dir;
}

describe('rampart playbook', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('validate prints ok per good file and exits 0', async () => {
    // Run where the playbooks' log files exist, as `rampart up` would be.
    dir = await dirWithLogs();
    const a = join(PLAYBOOKS, 'fotospiel-public-api.yaml');
    const b = join(PLAYBOOKS, '6fb-booking.yaml');
    const result = await runIn(dir, 'playbook', 'validate', a, b);
    expect(okLines(result.out)).toEqual([`ok  ${a} (guest-api)`, `ok  ${b} (booking-api)`]);
    expect(result).toMatchObject({ err: [], code: 0 });
  });

  it('validate warns, with file:line, about a log file that does not exist (a misspelled path), and still passes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-cli-'));
    await mkdir(join(dir, 'storage', 'logs'), { recursive: true });
    await writeFile(join(dir, 'storage', 'logs', 'laravel.log'), '');
    const file = join(dir, 'typo.yaml');
    // The seed's list files (the data-centre ranges) sit next to it.
    await cp(join(PLAYBOOKS, 'lists'), join(dir, 'lists'), { recursive: true });
    const seed = await readFile(join(PLAYBOOKS, 'fotospiel-public-api.yaml'), 'utf8');
    await writeFile(file, seed.replace('path: storage/logs/laravel.log', 'path: storage/log/laravel.log'));
    const line = seed.split('\n').findIndex((l) => l.includes('path: storage/logs/laravel.log')) + 1;
    const result = await runIn(dir, 'playbook', 'validate', file);
    expect(result.code).toBe(0);
    expect(okLines(result.out)).toEqual([`ok  ${file} (guest-api)`]);
    expect(result.err).toEqual([
      `${file}:${line} detection.sources[1].path: warning: storage/log/laravel.log does not exist (yet); Rampart will wait for it and report the source as missing`,
    ]);
  });

  it('validate prints every error line of a bad file and exits 1', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-cli-'));
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'rampart: 2\nservice: { name: x }\n');
    const good = join(PLAYBOOKS, '6fb-booking.yaml');
    const result = await runIn(await dirWithLogs(dir), 'playbook', 'validate', bad, good);
    expect(result.code).toBe(1);
    expect(okLines(result.out)).toEqual([`ok  ${good} (booking-api)`]);
    expect(result.err).toEqual([
      `${bad}:1 rampart: expected format version 1 (rampart: 1), got 2`,
      `${bad}:1 severity: expected a mapping, got nothing`,
      `${bad}:1 checklist: expected a mapping, got nothing`,
      `${bad}:2 service.title: expected a string, got nothing`,
      `${bad}:2 service.upstream: expected a mapping, got nothing`,
      `${bad}:2 service.routes: expected a list, got nothing`,
      '1 of 2 playbook file(s) invalid',
    ]);
  });

  it('validate refuses a rule over a field its source never produces, with file:line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-cli-'));
    const file = join(dir, 'fields.yaml');
    const seed = await readFile(join(PLAYBOOKS, 'fotospiel-public-api.yaml'), 'utf8');
    // The enumeration rule reads the gateway, which has no target_fqdn (a CrowdSec field).
    await writeFile(file, seed.replace('      group_by: [ip_prefix]\n', '      group_by: [ip_prefix, target_fqdn]\n'));
    const result = await run('playbook', 'validate', file);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(
      new RegExp(`^${file}:\\d+ detection\\.rules\\[0\\]\\.group_by\\[1\\]: expected a field that gateway can produce \\(.*ip_prefix.*\\).*, got "target_fqdn" in rule token-enumeration$`),
    );
  });

  it('validate lists the rules an included pack brings, each with its pack file:line, and those left out', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-cli-'));
    const file = join(dir, 'with-pack.yaml');
    const seed = await readFile(join(PLAYBOOKS, '6fb-booking.yaml'), 'utf8');
    // The shipped seed includes the pack already; this test writes the one line itself.
    const bare = seed.replace(/# The standard HTTP rule pack[\s\S]*?\ninclude: .*\n/, '');
    await writeFile(file, bare.replace('rampart: 1\n', 'rampart: 1\ninclude: [http]\n'));
    const pack = join(PLAYBOOKS, 'packs', 'http', 'pack.yaml');
    const packLines = (await readFile(pack, 'utf8')).split('\n');
    const lineOf = (rule: string) => packLines.findIndex((l) => l === `  - name: ${rule}`) + 1;
    const shown = relative(process.cwd(), pack);
    const result = await run('playbook', 'validate', file);
    expect(result.code).toBe(0);
    expect(result.out[0]).toBe(`ok  ${file} (booking-api)`);
    expect(result.out[1]).toBe(`    includes pack http (${shown}): 15 rule(s)`);
    expect(result.out).toContain(`      http-probing ${shown}:${lineOf('http-probing')}`);
    expect(result.out).toContain(`      http-technology-probing ${shown}:${lineOf('http-technology-probing')}`);
    expect(result.out).toContain('      left out nginx-req-limit-exceeded: the playbook has no nginx-error source');
  });

  it('explain describes the service in plain words', async () => {
    const result = await run('playbook', 'explain', join(PLAYBOOKS, '6fb-booking.yaml'));
    expect(result.code).toBe(0);
    expect(result.out[0]).toBe('booking-api — 6FB Booking API');
    expect(result.out).toContain(
      'Review: reviewed quarterly; last reviewed 2024-06-19; next review was due 2024-09-19 — OVERDUE by 104 day(s).',
    );
  });

  it('schema prints the JSON Schema', async () => {
    const result = await run('playbook', 'schema');
    const schema = JSON.parse(result.out.join('\n')) as { $schema: string; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toContain('service');
  });
});
