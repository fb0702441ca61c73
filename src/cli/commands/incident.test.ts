import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/run-cli.js';

describe('rampart incident …', () => {
  let cwd: string;
  const run = (...args: string[]) => runCli(args, { cwd });

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('opens, notes, refuses an early close, resolves and closes, with tables for people and JSON for scripts', async () => {
    const opened = await run(
      'incident',
      'open',
      '--service',
      'guest-api',
      '--severity',
      'SEV-2',
      '--title',
      'Token brute force',
      '--json',
    );
    expect(opened.err).toBe('');
    const incident = JSON.parse(opened.out) as { id: string; severity: string; status: string };
    expect(incident).toMatchObject({ severity: 'SEV-2', status: 'triggered' });

    expect((await run('incident', 'note', incident.id, 'Blocked 203.0.113.0/24')).code).toBe(0);
    expect((await run('incident', 'ack', incident.id)).out).toContain('acknowledged');

    const early = await run('incident', 'close', incident.id);
    expect(early.code).toBe(1);
    expect(early.err).toContain(`${incident.id} is acknowledged; it cannot become closed`);

    const noReason = await run('incident', 'severity', incident.id, 'SEV-1');
    expect(noReason.code).not.toBe(0);
    expect(noReason.err).toContain('--reason');

    expect(
      (await run('incident', 'severity', incident.id, 'SEV-1', '--reason', 'wrong gallery served')).code,
    ).toBe(0);
    const gated = await run('incident', 'resolve', incident.id);
    expect(gated.code).toBe(1);
    expect(gated.err).toContain('cannot be resolved yet: FAIL');
    const verify = await run('incident', 'verify', incident.id);
    expect(verify.out).toContain('verification fails');
    expect(
      (await run('incident', 'resolve', incident.id, '--override', 'drill: no live traffic to verify')).code,
    ).toBe(0);
    expect((await run('incident', 'close', incident.id)).code).toBe(0);

    const list = await run('incident', 'list');
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+SEVERITY\s+STATUS\s+SERVICE/);
    expect(list.out).toMatch(new RegExp(`${incident.id}\\s+SEV-1\\s+closed\\s+guest-api`));

    const shown = await run('incident', 'show', incident.id);
    expect(shown.out).toContain('CHECKLIST');
    expect(shown.out).toContain('POST-MORTEM  open, due');
    expect(shown.out).toContain('severity raised SEV-2 → SEV-1: wrong gallery served');
    expect(shown.out).toContain('cli:tester');

    const report = await run('incident', 'report', incident.id);
    expect(report.out).toMatch(new RegExp(`^# ${incident.id}: Token brute force`));
    expect(report.out).toContain('| Severity | SEV-1 |');
    expect(report.out).toContain('## Checklist');
    expect(report.out).toContain('severity raised SEV-2 → SEV-1: wrong gallery served');
    expect(report.out).toMatch(/Status: open\. Due \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
    expect(report.out).toContain('### root-cause');
  });

  it("queues the playbook's notifications for a change made from the CLI, for the running dispatcher to send", async () => {
    const opened = await runCli(
      [
        'incident',
        'open',
        '--service',
        'guest-api',
        '--severity',
        'SEV-1',
        '--title',
        'Gallery down',
        '--json',
      ],
      {
        cwd,
        env: { SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook' },
      },
    );
    const { id } = JSON.parse(opened.out) as { id: string };
    const listed = await run('notify', 'list', '--incident', id, '--json');
    const messages = JSON.parse(listed.out) as { channel: string; status: string }[];
    expect(messages.map((m) => m.channel)).toContain('slack');
    expect(messages.every((m) => m.status === 'pending' || m.status === 'held')).toBe(true);
  });

  it('names the problem when the service or severity is wrong', async () => {
    const unknownService = await run('incident', 'open', '--service', 'nope', '--title', 'x');
    expect(unknownService.code).toBe(1);
    expect(unknownService.err).toMatch(/no playbook for service "nope" \(loaded: .*guest-api/);
    const wrongScale = await run(
      'incident',
      'open',
      '--service',
      'booking-api',
      '--severity',
      'SEV-1',
      '--title',
      'x',
    );
    expect(wrongScale.code).toBe(1);
    expect(wrongScale.err).toContain('severity "SEV-1" is not on booking-api\'s scale (P0, P1, P2, P3)');
  });

  it('creates an API key whose secret is printed once and stored only as a hash', async () => {
    const created = await run('keys', 'create', '--name', 'ops', '--role', 'responder', '--json');
    const { secret } = JSON.parse(created.out) as { secret: string };
    expect(secret).toMatch(/^rk_/);
    const listed = await run('keys', 'list', '--json');
    expect(listed.out).toContain('"ops"');
    expect(listed.out).not.toContain(secret);
    const bad = await run('keys', 'create', '--name', 'x', '--role', 'root');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--role');
  });
});
