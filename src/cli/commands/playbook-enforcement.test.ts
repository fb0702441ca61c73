import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { registerPlaybookCommands } from './playbook.js';
import { shopPlaybook } from '../../enforcement/testing/shop-playbook.js';

/** nginx in front, Rampart beside it tailing the access log: no gateway section. */
const besideNginx = (enforcement: string) =>
  shopPlaybook(`detection:
  sources: [{ kind: log, name: access, path: logs/access.log, format: nginx }]
  rules:
    - name: failed-logins
      source: access
      filter: { route: [login], status: 401 }
      group_by: [ip]
      trigger: { type: threshold, count: 10, window: 1m }
      mitigation: { action: block, target: ip, for: 1h, automatic: true }
    - name: token-leak
      source: access
      filter: { status: 200 }
      group_by: [ip]
      trigger: { type: threshold, count: 1000, window: 1m }
      mitigation: { action: maintenance, automatic: true }
${enforcement}`);

/** The enforcement warnings among validate's (the log file's absence is warned about too). */
const enforcementWarnings = (lines: string[]) => lines.filter((l) => l.includes('.mitigation: warning:'));

async function run(...args: string[]) {
  const captured = { out: [] as string[], err: [] as string[], code: 0 };
  const io: CliIo = {
    out: (line) => captured.out.push(line),
    err: (line) => captured.err.push(line),
    setExitCode: (code) => (captured.code = code),
  };
  const program = new Command('rampart').exitOverride();
  registerPlaybookCommands(program, io, () => new Date('2025-01-01T00:00:00Z'));
  await program.parseAsync(['node', 'rampart', ...args]);
  return captured;
}

describe('playbook validate/explain warn when an automatic mitigation has no enforcement point', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const write = async (text: string) => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-enf-'));
    const file = join(dir, 'shop.yaml');
    await writeFile(file, text);
    return file;
  };

  it('no gateway, no bouncers, no hook: both automatic mitigations are warned about, the file stays valid', async () => {
    const file = await write(besideNginx(''));
    const result = await run('playbook', 'validate', file);
    expect(result.code).toBe(0);
    expect(result.out).toEqual([`ok  ${file} (shop)`]);
    expect(enforcementWarnings(result.err)).toEqual([
      `${file}:20 detection.rules[0].mitigation: warning: rule failed-logins applies block by itself, but nothing would enforce it (no gateway section, enforcement.bouncers is off, no hook for block): it would be recorded but not enforced`,
      `${file}:26 detection.rules[1].mitigation: warning: rule token-leak applies maintenance by itself, but nothing would enforce it (no gateway section, a bouncer cannot carry maintenance (bouncers carry address and range blocks only), no hook for maintenance): it would be recorded but not enforced`,
    ]);
    const explained = (await run('playbook', 'explain', file)).out.join('\n');
    expect(explained).toContain(
      'WARNING: nothing enforces block for this service (no gateway, bouncer or hook): recorded but not enforced',
    );
  });

  it('bouncers carry the block but not maintenance; a hook for maintenance covers the rest', async () => {
    const bouncersOnly = await write(besideNginx('enforcement:\n  bouncers: true\n'));
    const first = enforcementWarnings((await run('playbook', 'validate', bouncersOnly)).err);
    expect(first).toHaveLength(1);
    expect(first[0]).toContain('rule token-leak applies maintenance');
    expect((await run('playbook', 'explain', bouncersOnly)).out).toContain(
      '    enforced by: CrowdSec bouncers',
    );
    await rm(dir, { recursive: true, force: true });

    const withHook = await write(
      besideNginx(
        'enforcement:\n  bouncers: true\n  hooks:\n    - { name: nginx-maint, command: [/usr/local/bin/maint.sh], kinds: [maintenance] }\n',
      ),
    );
    const second = await run('playbook', 'validate', withHook);
    expect(second.code).toBe(0);
    expect(enforcementWarnings(second.err)).toEqual([]);
    const explained = (await run('playbook', 'explain', withHook)).out;
    expect(explained).toContain('    enforced by: hook nginx-maint');
    expect(explained).toContain(
      '  Hook nginx-maint: runs /usr/local/bin/maint.sh on apply, lift, expire of maintenance (killed after 10s).',
    );
  });
});
