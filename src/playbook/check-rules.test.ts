import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPlaybookError, loadPlaybook } from './load.js';

const HEAD = `rampart: 1
service:
  name: demo
  title: Demo
  upstream: { url: http://127.0.0.1:9000 }
  routes:
    - { name: api, pattern: "/api/*" }
severity:
  scale:
    - { name: SEV-1, rank: 1 }
  default: SEV-1
checklist:
  phases:
    - name: Immediate
      time_box: 15m
      steps: [{ id: look, title: Look }]
detection:
  sources:
    - { kind: gateway }
    - { kind: log, name: access, path: logs/access.log, format: nginx }
    - { kind: log, name: app, path: logs/laravel.log, format: laravel, extra_fields: [order_id] }
  rules:
`;

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-check-rules-'));
  await mkdir(join(dir, 'lists'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the playbook (HEAD + rules) and its list files, loads it the way `rampart playbook validate` does. */
async function load(rules: string, lists: Record<string, string> = {}) {
  for (const [name, text] of Object.entries(lists)) await writeFile(join(dir, name), text);
  const file = join(dir, 'demo.yaml');
  await writeFile(file, HEAD + rules);
  return loadPlaybook(file);
}

async function errors(rules: string, lists: Record<string, string> = {}): Promise<string[]> {
  const result = await load(rules, lists);
  if (result.ok) throw new Error('expected the playbook to be refused');
  return result.errors.map((e) => formatPlaybookError(e).replace(`${dir}/`, ''));
}

describe('fields a rule may use', () => {
  it("refuses a group_by, a distinct field and a filter field that the rule's sources never produce", async () => {
    expect(
      await errors(`    - name: probe
      source: access
      filter: { target_fqdn: x.example }
      group_by: [ip, target_fqdn]
      trigger: { type: distinct, field: subject, count: 5, window: 1m }
`),
    ).toEqual([
      expect.stringMatching(
        /^demo\.yaml:25 detection\.rules\[0\]\.filter\.target_fqdn: expected a field that access \(nginx\) can produce \(bytes, decision, duration_ms, ip, ip_prefix, ip_prefix16, method, path, protocol, query, referer, request, route, routeName, rule, source, status, token, token_preview, upstreamResponseTime, user, user_agent\); a log source lists further fields in extra_fields, got "target_fqdn" in rule probe$/,
      ),
      expect.stringMatching(/^demo\.yaml:26 detection\.rules\[0\]\.group_by\[1\]: expected a field that access \(nginx\) can produce .*, got "target_fqdn" in rule probe$/),
      expect.stringMatching(/^demo\.yaml:27 detection\.rules\[0\]\.trigger\.field: expected a field that access \(nginx\) can produce .*, got "subject" in rule probe$/),
    ]);
  });

  it('a rule without source: may use what any source produces; extra_fields are on offer; typos get a hint', async () => {
    const ok = await load(`    - name: anywhere
      filter: { order_id: "42", referer: { contains: evil } }
      group_by: [subject]
      trigger: { type: threshold, count: 5, window: 1m }
`);
    expect(ok.ok).toBe(true);
    expect(
      await errors(`    - name: typo
      source: gateway
      group_by: [user_agnet]
      trigger: { type: threshold, count: 5, window: 1m }
`),
    ).toEqual([
      // An access log no rule reads by name stands in for the gateway (replay, or nginx in front of the app).
      expect.stringMatching(
        /group_by\[0\]: expected a field that gateway, access \(nginx\) can produce .*; did you mean "user_agent"\?.*got "user_agnet" in rule typo$/,
      ),
    ]);
  });

  it('checks fields inside not / any / all and in a ratio rule\'s error filter', async () => {
    const lines = await errors(`    - name: nested
      source: app
      filter: { any: [{ level: error }, { not: { user_agent: curl } }] }
      trigger: { type: ratio, share: 0.5, window: 1m, errors: { bytes: "0" } }
`);
    expect(lines).toEqual([
      expect.stringMatching(/^demo\.yaml:25 detection\.rules\[0\]\.filter\.any\[1\]\.not\.user_agent: expected a field that app \(laravel\) can produce/),
      expect.stringMatching(/^demo\.yaml:26 detection\.rules\[0\]\.trigger\.errors\.bytes: expected a field that app \(laravel\)/),
    ]);
  });
});

describe('sources a rule may read', () => {
  it('refuses a rule over an alert source, whose alerts never reach rules', async () => {
    const file = join(dir, 'waf.yaml');
    const head = HEAD.replace('  rules:\n', '    - { kind: alertmanager, name: waf }\n  rules:\n');
    await writeFile(file, `${head}    - name: waf\n      source: waf\n      trigger: { type: threshold, count: 3, window: 1m }\n`);
    const result = await loadPlaybook(file);
    if (result.ok) throw new Error('expected the playbook to be refused');
    expect(result.errors.map((e) => formatPlaybookError(e).replace(`${dir}/`, ''))).toEqual([
      'waf.yaml:25 detection.rules[0].source: expected a source whose events rules read: gateway or a log source (gateway, access, app); alerts go to the desk directly, got "waf"',
    ]);
  });
});

describe('list files', () => {
  it('are read next to the playbook: one entry per line, blank lines and # comments skipped', async () => {
    const result = await load(
      `    - name: sensitive
      filter: { path: { ends_with: [.env, { file: lists/sensitive.txt }], ignore_case: true } }
      group_by: [ip]
      trigger: { type: threshold, count: 3, window: 1m }
`,
      { 'lists/sensitive.txt': '# sensitive files\n/.git/config\n\n  /wp-config.php  \r\n# end\n' },
    );
    if (!result.ok) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
    const condition = result.playbook.detection.rules[0]?.filter?.conditions[0];
    expect(condition).toMatchObject({
      field: 'path',
      op: 'ends_with',
      ignoreCase: true,
      list: {
        inline: [{ value: '.env', index: 0 }],
        files: [{ path: 'lists/sensitive.txt', index: 1, entries: [{ value: '/.git/config', line: 2 }, { value: '/wp-config.php', line: 4 }] }],
      },
    });
  });

  it('an unreadable list file fails with file:line and the path', async () => {
    expect(
      await errors(`    - name: missing
      filter: { user_agent: { contains: { file: lists/nope.txt } } }
      trigger: { type: threshold, count: 3, window: 1m }
`),
    ).toEqual([
      'demo.yaml:24 detection.rules[0].filter.user_agent.contains.file: expected a readable list file (next to the playbook), got lists/nope.txt: ENOENT',
    ]);
  });

  it('a dangerous regex fails with file:line, inline or in a list file (with its own line)', async () => {
    expect(
      await errors(
        `    - name: probes
      filter:
        path:
          regex:
            - "union\\\\s+select"
            - "(\\\\w+\\\\s?)*$"
            - { file: lists/xss.txt }
      trigger: { type: threshold, count: 3, window: 1m }
`,
        { 'lists/xss.txt': '<script\n# ok so far\n(a|ab)*c\n[\n' },
      ),
    ).toEqual([
      expect.stringMatching(/^demo\.yaml:28 detection\.rules\[0\]\.filter\.path\.regex\[1\]: expected a regex without a repetition inside a repetition .*, got "\(\\\\w\+\\\\s\?\)\*\$"$/),
      expect.stringMatching(/^demo\.yaml:29 detection\.rules\[0\]\.filter\.path\.regex\[2\]\.file: expected a regex whose repeated alternatives cannot start alike .*, got lists\/xss\.txt:3 "\(a\|ab\)\*c"$/),
      expect.stringMatching(/^demo\.yaml:29 detection\.rules\[0\]\.filter\.path\.regex\[2\]\.file: expected a regular expression that compiles .*, got lists\/xss\.txt:4 "\["$/),
    ]);
  });

  it('a network list entry that is no address fails with file:line and the list file\'s own line', async () => {
    expect(
      await errors(
        `    - name: from-datacentres
      filter:
        ip: { cidr: [10.0.0.0/8, { file: lists/dc.txt }] }
      group_by: [token]
      trigger: { type: threshold, count: 3, window: 1m }
`,
        { 'lists/dc.txt': '# hosters\n3.0.0.0/9\n88.198.0.0/33\n' },
      ),
    ).toEqual([
      'demo.yaml:25 detection.rules[0].filter.ip.cidr[1].file: expected an address or network such as 3.0.0.0/9 or 2a01:4f8::/32, got lists/dc.txt:3 "88.198.0.0/33"',
    ]);
  });
});
