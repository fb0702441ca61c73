import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { emptyScope } from '../../domain/scope.js';
import type { CliIo } from '../io.js';
import { registerNotifyCommands } from './notify.js';

describe('rampart notify …', () => {
  let cwd: string;
  const env = { RAMPART_ACTOR: 'bob' } as NodeJS.ProcessEnv;

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
    registerNotifyCommands(program, { io, env, cwd });
    await program.parseAsync(['node', 'rampart', ...args]);
    return { out: captured.out.join('\n'), err: captured.err.join('\n'), code: captured.code };
  }

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
    cpSync(resolve('playbooks'), join(cwd, 'playbooks'), { recursive: true });
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('lists held messages and approves one, once, with the approver on the timeline', async () => {
    const store = await openStore(undefined, { cwd });
    const incident = await store.incidents.create({
      title: 'Gallery down',
      service: 'guest-api',
      severity: 'SEV-2',
      severityRank: 2,
      status: 'mitigated',
      fingerprint: null,
      type: null,
      commander: null,
      scope: emptyScope(),
      createdAt: '2026-01-05T10:00:00.000Z',
    });
    const held = await store.outbox.enqueue({
      dedupKey: `${incident.id}:e1:tenants:0-email:acme`,
      incidentId: incident.id,
      service: 'guest-api',
      audience: 'tenants',
      channel: 'email',
      target: { type: 'email', to: 'tenants', smtp_env: 'SMTP_URL', tenant: 'acme' },
      payload: {},
      status: 'held',
      nextAttemptAt: '2026-01-05T10:00:00.000Z',
      createdAt: '2026-01-05T10:00:00.000Z',
    });
    await store.close();

    const list = await run('notify', 'list', '--status', 'held');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${held!.id}\\s+${incident.id}\\s+tenants\\s+email:acme\\s+held`));
    expect((await run('notify', 'approve', String(held!.id))).out).toContain(
      `approved notification ${held!.id}`,
    );
    const again = await run('notify', 'approve', String(held!.id));
    expect(again.code).toBe(1);
    expect(again.err).toContain('is pending, not waiting for approval');
    expect((await run('notify', 'approve', '999')).err).toContain('notification 999 not found');

    const reopened = await openStore(undefined, { cwd });
    try {
      const entries = await reopened.timeline.list(incident.id);
      expect(entries.map((e) => [e.actor, e.summary])).toEqual([
        ['cli:bob', 'E-mail (tenants) to tenant acme approved for sending'],
      ]);
    } finally {
      await reopened.close();
    }
  });
});
