import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainPlaybook } from '../explain.js';
import { parsePlaybook, type PlaybookLoadResult } from '../load.js';
import { SHIPPED_PACKS_DIR } from './resolve-pack.js';

const SEED = resolve(import.meta.dirname, '../../../playbooks/fotospiel-public-api.yaml');
const HTTP_PACK = join(SHIPPED_PACKS_DIR, 'http', 'pack.yaml');

let dir = '';
let seed = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-packs-'));
  // The seed's own list files (the data-centre ranges) sit next to it.
  await cp(resolve(SEED, '../lists'), join(dir, 'lists'), { recursive: true });
  // The shipped seed includes the pack itself; these tests write their own include in its place.
  seed = (await readFile(SEED, 'utf8')).replace(/# The standard HTTP rule pack[\s\S]*?\ninclude: .*\n/, '');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The seed with an include written after `rampart: 1` (line 6 of the seed, so the include is line 7), parsed as a file in the temp folder. */
function withInclude(include: string): PlaybookLoadResult {
  return parsePlaybook(seed.replace('rampart: 1\n', `rampart: 1\n${include}\n`), join(dir, 'guest-api.yaml'));
}

const messages = (r: PlaybookLoadResult): string[] => (r.ok ? [] : r.errors.map((e) => e.message));

const MINE = `rampart_pack: 1
name: mine
title: A test pack
licence: MIT
rules:
  - name: mine-probe
    ported_from: { name: example/probe, url: https://example.com/probe.yaml, licence: MIT }
    source: gateway
    filter: { path: { ends_with: { file: lists/ends.txt } } }
    group_by: [ip]
    trigger: { type: threshold, count: 3, window: 1m }
`;

async function writePack(text: string, list = '.env\n'): Promise<void> {
  await mkdir(join(dir, 'packs', 'mine', 'lists'), { recursive: true });
  await writeFile(join(dir, 'packs', 'mine', 'pack.yaml'), text);
  await writeFile(join(dir, 'packs', 'mine', 'lists', 'ends.txt'), list);
}

describe('include: rule packs', () => {
  it('one line includes the shipped http pack: its rules join at the least severe level, with their pack file:line', () => {
    const result = withInclude('include: [http]');
    if (!result.ok) throw new Error(messages(result).join('\n'));
    const rules = result.playbook.detection.rules;
    const probing = rules.find((r) => r.name === 'http-probing');
    expect(probing?.severity).toBe('SEV-3');
    expect(probing?.pack).toMatchObject({
      pack: 'http',
      file: HTTP_PACK,
      ported_from: { name: 'crowdsecurity/http-probing', licence: 'MIT' },
    });
    // The line is the rule's own, in the pack file.
    expect(probing?.pack?.line).toBeGreaterThan(1);
    // The playbook's own rules stay first and unchanged.
    expect(rules[0]?.name).toBe('token-enumeration');
    expect(rules[0]?.pack).toBeUndefined();
    // A rule for a source this playbook lacks is left out, and says why.
    expect(result.playbook.include[0]?.resolved?.skipped).toContainEqual({
      rule: 'nginx-req-limit-exceeded',
      reason: 'the playbook has no nginx-error source',
    });
    expect(rules.some((r) => r.name === 'nginx-req-limit-exceeded')).toBe(false);
  });

  it('explain names each included rule with its pack file:line and source, and the rules left out', async () => {
    const result = withInclude('include: [http]');
    if (!result.ok) throw new Error(messages(result).join('\n'));
    const text = explainPlaybook(result.playbook, new Date('2025-01-01T00:00:00Z'));
    const packText = await readFile(HTTP_PACK, 'utf8');
    const line = packText.split('\n').findIndex((l) => l.includes('- name: http-sqli-probing')) + 1;
    expect(text).toMatch(
      new RegExp(
        `Rule http-sqli-probing \\[SEV-3\\]: .*\\n(?:.*\\n){2,3}    from pack http \\(.*playbooks/packs/http/pack\\.yaml:${line}\\), ported from crowdsecurity/http-sqli-probing \\(MIT\\)\\.`,
      ),
    );
    expect(text).toContain('left out: http-basic-auth-bf (the playbook has no nginx-error source)');
  });

  it('the long form leaves rules out and sets the severity they open with', () => {
    const result = withInclude(
      'include:\n  - { pack: http, except: [http-crawl-non-statics], severity: SEV-2 }',
    );
    if (!result.ok) throw new Error(messages(result).join('\n'));
    const rules = result.playbook.detection.rules;
    expect(rules.some((r) => r.name === 'http-crawl-non-statics')).toBe(false);
    expect(rules.find((r) => r.name === 'http-xss-probing')?.severity).toBe('SEV-2');
  });

  it('a pack folder next to the playbook is read with its list files', async () => {
    await writePack(MINE);
    const result = withInclude('include: [packs/mine]');
    if (!result.ok) throw new Error(messages(result).join('\n'));
    const rule = result.playbook.detection.rules.find((r) => r.name === 'mine-probe');
    const condition = rule?.filter?.conditions[0];
    expect(condition && 'list' in condition ? condition.list.files[0]?.entries : undefined).toEqual([
      { value: '.env', line: 1 },
    ]);
  });

  it('an unknown pack, an unknown except and a severity off the scale fail at the include line', () => {
    const result = withInclude(
      'include:\n  - nosuchpack\n  - { pack: http, except: [http-nothing], severity: SEV-9 }',
    );
    expect(messages(result)).toEqual([
      `${join(dir, 'guest-api.yaml')}:8 include[0]: expected a rule pack: no folder or file "nosuchpack" next to the playbook and no shipped pack of that name, got "nosuchpack"`,
      expect.stringMatching(
        /guest-api\.yaml:9 include\[1\]\.except\[0\]: expected a rule of pack http \(http-probing, .*\), got "http-nothing"$/,
      ),
      expect.stringMatching(
        /guest-api\.yaml:9 include\[1\]\.severity: expected a severity on the scale \(SEV-3, SEV-2, SEV-1\), got "SEV-9"$/,
      ),
    ]);
  });

  it('paths leaving the playbook folder are refused', () => {
    expect(messages(withInclude('include: [../elsewhere]'))).toEqual([
      expect.stringMatching(
        /guest-api\.yaml:7 include\[0\]: expected a path inside the playbook's folder \(no ".."\), got "\.\.\/elsewhere"$/,
      ),
    ]);
  });

  it("a mistake in a pack is reported in the pack file, at the pack's own line", async () => {
    await writePack(MINE.replace('count: 3, window: 1m', 'count: 3, window: soon'));
    const packFile = join(dir, 'packs', 'mine', 'pack.yaml');
    expect(messages(withInclude('include: [packs/mine]'))).toEqual([
      `${packFile}:11 rules[0].trigger.window: expected a duration such as 90s, 15m, 1h or 1h30m, got "soon"`,
    ]);
  });

  it('a pack rule over a field its sources cannot produce, or a missing list file, points into the pack', async () => {
    await writePack(
      MINE.replace('group_by: [ip]', 'group_by: [target_fqdn]').replace(
        'lists/ends.txt',
        'lists/missing.txt',
      ),
    );
    const packFile = join(dir, 'packs', 'mine', 'pack.yaml');
    expect(messages(withInclude('include: [packs/mine]'))).toEqual([
      `${packFile}:9 rules[0].filter.path.ends_with.file: expected a readable list file (next to the playbook), got lists/missing.txt: ENOENT`,
      expect.stringMatching(
        new RegExp(
          `^${packFile}:10 rules\\[0\\]\\.group_by\\[0\\]: expected a field that gateway can produce .*got "target_fqdn" in rule mine-probe$`,
        ),
      ),
    ]);
  });

  it('a pack may not block by itself for more than an hour, nor name what only the playbook knows', async () => {
    await writePack(
      `${MINE}    mitigation: { action: block, target: ip, for: 1d, automatic: true }\n  - name: mine-throttle\n    ported_from: { name: x, url: https://example.com/x, licence: MIT }\n    trigger: { type: threshold, count: 3, window: 1m }\n    mitigation: { action: throttle, limit: per-ip, to: 10 }\n`,
    );
    const packFile = join(dir, 'packs', 'mine', 'pack.yaml');
    expect(messages(withInclude('include: [packs/mine]'))).toEqual([
      `${packFile}:12 rules[0].mitigation.for: expected at most 1h for a block a pack applies by itself, got "1d"`,
      `${packFile}:16 rules[1].mitigation.action: expected a block of the address or its prefix (a pack knows no limits, switches or tokens of the playbook), got "throttle"`,
    ]);
  });

  it("nor escalate a repeat offender's block beyond an hour", async () => {
    await writePack(
      `${MINE}    mitigation: { action: block, target: ip, for: 15m, escalate: [15m, 1d], automatic: true }\n`,
    );
    const packFile = join(dir, 'packs', 'mine', 'pack.yaml');
    expect(messages(withInclude('include: [packs/mine]'))).toEqual([
      `${packFile}:12 rules[0].mitigation.escalate: expected steps of at most 1h for a block a pack applies by itself, got a list of 2`,
    ]);
  });

  it("a pack rule named like one of the playbook's own is refused at the include, pointing to except", async () => {
    await writePack(MINE.replace('name: mine-probe', 'name: token-enumeration'));
    expect(messages(withInclude('include: [packs/mine]'))).toEqual([
      expect.stringMatching(
        /guest-api\.yaml:7 include\[0\]: expected a pack whose rule names are free \(rule token-enumeration is already in the playbook; leave it out with except\), got pack mine$/,
      ),
    ]);
  });
});
