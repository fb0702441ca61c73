import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { nginxLine } from '../../detector/testing/log-lines.js';
import type { CliIo } from '../io.js';
import { registerLogsCommands } from './logs.js';

const PLAYBOOK = resolve(import.meta.dirname, '../../../playbooks/fotospiel-public-api.yaml');
const T0 = Date.UTC(2025, 9, 19, 12, 0, 0);

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
  registerLogsCommands(program, { io, env: { RAMPART_TOKEN_KEY: 'cli-test-token-key-0123' }, cwd });
  await program.parseAsync(['node', 'rampart', ...args]);
  return captured;
}

describe('rampart logs replay', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function enumerationLog(): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'rampart-logs-'));
    const lines = Array.from({ length: 30 }, (_, i) =>
      nginxLine({
        time: T0 + i * 2000,
        ip: `203.0.113.${i}`,
        method: 'GET',
        uri: `/api/v1/events/guess${i}token/photos`,
        status: 404,
        bytes: 9,
        userAgent: 'x',
        requestTime: 0.002,
      }),
    );
    lines.splice(5, 0, 'garbage that is no log line');
    const file = join(dir, 'access.log');
    await writeFile(file, `${lines.join('\n')}\n`);
    return file;
  }

  it('prints the signals as a table and a summary line', async () => {
    const file = await enumerationLog();
    const result = await run(
      dir,
      'logs',
      'replay',
      'access.log',
      '--playbook',
      PLAYBOOK,
      '--format',
      'nginx',
    );
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const lines = result.out.join('\n').split('\n');
    expect(lines[0]).toMatch(/^AT\s+RULE\s+KEY\s+VALUE\s+THRESHOLD\s+SEVERITY\s+TITLE$/);
    expect(result.out.join('\n')).toMatch(
      /2025-10-19T12:00:38\.000Z {2}token-enumeration +203\.0\.113\.0\/24 {2}20 +20 +SEV-2/,
    );
    expect(result.out.join('\n')).toMatch(/token-enumeration-network +203\.0\.0\.0\/16 /);
    expect(result.out.at(-1)).toMatch(
      /^31 lines, 1 skipped \(1 not a combined log line\), 30 events, 2 signals, 0 cleared, \d+ lines\/s$/,
    );
    expect(file).toContain(dir);
  });

  it('prints JSON with --json, and finds the playbook by service name in --playbooks', async () => {
    await enumerationLog();
    const result = await run(
      dir,
      '--playbooks',
      resolve(PLAYBOOK, '..'),
      'logs',
      'replay',
      join(dir, 'access.log'),
      '--playbook',
      'guest-api',
      '--format',
      'nginx',
      '--json',
    );
    const parsed = JSON.parse(result.out.join('\n')) as {
      signals: { rule: string; value: number }[];
      summary: { events: number };
    };
    expect(parsed.signals[0]).toMatchObject({ rule: 'token-enumeration', value: 20 });
    expect(parsed.summary.events).toBe(30);
    expect(result.out.join('\n')).not.toContain('guess3token');
  });

  /** `rampart logs replay access.log` with the fotospiel playbook as nginx, and more arguments. */
  const replayLog = (...more: string[]) =>
    run(dir, 'logs', 'replay', 'access.log', '--playbook', PLAYBOOK, '--format', 'nginx', ...more);

  it('--threads 2 splits the rules across two threads and prints the same signals as one thread', async () => {
    await enumerationLog();
    const replay = async (threads: string) => {
      const result = await replayLog('--threads', threads, '--json');
      expect(result.err).toEqual([]);
      return JSON.parse(result.out.join('\n')) as {
        signals: unknown[];
        clears: unknown[];
        summary: { threads: number };
      };
    };
    const one = await replay('1');
    const two = await replay('2');
    expect(one.summary.threads).toBe(1);
    expect(two.summary.threads).toBe(2);
    expect(two.signals).toHaveLength(2);
    expect(two.signals).toEqual(one.signals);
    expect(two.clears).toEqual(one.clears);
    const table = await replayLog('--threads', '2');
    expect(table.out.at(-1)).toMatch(/ 2 signals, 0 cleared, \d+ lines\/s \(2 threads\)$/);
  }, 30_000);

  it('refuses a --threads that is not a whole number, naming the option and the value', async () => {
    await enumerationLog();
    for (const given of ['two', '0', '-1', '1000']) {
      const result = await replayLog('--threads', given);
      expect(result.code).toBe(1);
      expect(result.err[0]).toContain('--threads: expected a whole number from 1 to 64, got');
      expect(result.err[0]).toContain(given);
    }
  });

  it('fails with exit code 1 and names the file when its format cannot be told', async () => {
    await enumerationLog();
    await writeFile(join(dir, 'notes.txt'), 'shopping list\nmilk\neggs\n');
    const result = await run(dir, 'logs', 'replay', 'access.log', 'notes.txt', '--playbook', PLAYBOOK);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/notes\.txt: no format: give one as notes\.txt:FORMAT or --format/);
  });

  it('reads each file in its own format: rotated names, FILE:FORMAT, and the format the first lines read as', async () => {
    await enumerationLog();
    const access = (await import('node:fs/promises')).readFile;
    const text = await access(join(dir, 'access.log'), 'utf8');
    // Rotated copies of the access log under names no playbook source has, and an nginx error log beside them.
    await writeFile(join(dir, 'frontend.log.1'), text);
    await writeFile(join(dir, 'custom-name'), text);
    await writeFile(
      join(dir, 'error.log.1'),
      '2025/10/19 12:00:00 [error] 7#7: *1 limiting requests, excess: 5.000 by zone "api", client: 203.0.113.1, server: x, request: "GET / HTTP/1.1", host: "x"\n',
    );
    const result = await run(
      dir,
      'logs',
      'replay',
      'frontend.log.1',
      'custom-name:nginx',
      'error.log.1',
      '--playbook',
      PLAYBOOK,
      '--json',
    );
    expect(result.err).toEqual([]);
    const parsed = JSON.parse(result.out.join('\n')) as {
      summary: { files: { file: string; format: string; events: number }[] };
    };
    expect(parsed.summary.files.map((f) => [f.file.split('/').at(-1), f.format, f.events])).toEqual([
      ['frontend.log.1', 'nginx', 30],
      ['custom-name', 'nginx', 30],
      ['error.log.1', 'nginx-error', 1],
    ]);
  });
});
