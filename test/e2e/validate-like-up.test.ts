import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { CLI, startRampartUp } from '../support/rampart-up-process.js';

describe('rampart playbook validate refuses what rampart up refuses', () => {
  let cwd: string;
  let file: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-validate-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
    file = join(cwd, 'playbooks', 'fotospiel-public-api.yaml');
    const text = readFileSync(file, 'utf8');
    const broken = text.replace(
      'subject: "[{{incident.severity}}] {{incident.title}} — {{incident.status}}"',
      'subject: "[{{incident.severity}}] {{incident.title}} for {{incident.secret_token}}"',
    );
    expect(broken).not.toBe(text);
    writeFileSync(file, broken);
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('names the unknown template placeholder with file, line and path in validate, and up refuses to start on it', async () => {
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('incident.secret_token')) + 1;
    const validated = await runCli(['playbook', 'validate', file], { cwd });
    expect(validated.code).toBe(1);
    expect(validated.err).toContain(
      `${file}:${line} comms.templates[0].subject: expected only known template variables`,
    );
    expect(validated.err).toContain('{{incident.secret_token}}');
    expect(validated.out).not.toContain('ok  ');

    expect(existsSync(CLI), 'run `npm run build` first (npm test does)').toBe(true);
    const refused = await startRampartUp(cwd, { DATABASE_URL: '' }).then(
      async (up) => {
        await up.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(refused).toContain(`${file}:${line} comms.templates[0].subject`);
    expect(refused).toContain('incident.secret_token');
  });

  it('still accepts both seed playbooks', async () => {
    const seeds = ['6fb-booking.yaml', 'fotospiel-public-api.yaml'].map((n) => resolve('playbooks', n));
    const validated = await runCli(['playbook', 'validate', ...seeds], { cwd });
    // Only the warnings for log files that are not there in this folder (they are the app's, written at run time).
    const lines = validated.err.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !/warning: .* does not exist \(yet\)/.test(l))).toEqual([]);
    expect(validated.code).toBe(0);
  });
});
