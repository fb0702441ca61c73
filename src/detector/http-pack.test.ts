import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlaybook, type Playbook } from '../playbook/index.js';
import type { DetectorSignal } from './detector-signal.js';
import { replayFiles } from './replay.js';
import { fotospielAccessLines } from './testing/fotospiel-traffic.js';
import { PLAYBOOKS, T0 } from './testing/events.js';
import { attackLines, bookingLines, venueLines, type HttpAttack } from './testing/http-attacks.js';
import { nginxLine, type AccessLine } from './testing/log-lines.js';

/**
 * The standard HTTP pack (playbooks/packs/http) through the real nginx parser and detector, included in each seed
 * playbook with one line: every rule fires on its attack, mixed into ordinary traffic, keyed on the attacker's
 * address; ordinary traffic shaped like the seeds' users (guests sharing join tokens across many networks, a
 * wedding behind one venue address, 6FB's salons and mobile app) opens no automatic block, and on the spread-out
 * guest and booking traffic no pack rule fires at all.
 */

const KEY = 'http-pack-test-key-0123';
const ATTACKER = '198.51.100.66';
const SEEDS = ['fotospiel-public-api.yaml', '6fb-booking.yaml'] as const;

let dir = '';
const playbooks = new Map<string, Playbook>();

/** The shipped seed includes the pack itself; these tests write their own include in its place. */
const withoutInclude = (text: string): string =>
  text.replace(/# The standard HTTP rule pack[\s\S]*?\ninclude: .*\n/, '');

/** A seed playbook with the one line that includes the pack (or the long form given). */
async function withPack(seed: string, include = 'include: [http]\n'): Promise<Playbook> {
  const file = join(PLAYBOOKS, seed);
  const text = withoutInclude(await readFile(file, 'utf8')).replace('rampart: 1\n', `rampart: 1\n${include}`);
  const loaded = parsePlaybook(text, file);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.playbook;
}

let fileCount = 0;
async function replay(playbook: Playbook, lines: readonly string[]): Promise<DetectorSignal[]> {
  const file = join(dir, `access-${fileCount++}.log`);
  await writeFile(file, `${lines.join('\n')}\n`);
  const result = await replayFiles([file], { playbook, format: 'nginx', tokenKey: KEY });
  expect(result.skippedTotal).toBe(0);
  return result.signals;
}

/** Guest traffic over many networks, with `attack` from one address starting a minute in. */
function mixed(attack: readonly AccessLine[]): string[] {
  const ordinary = [...fotospielAccessLines({ lines: 6_000, start: T0, gapMs: 40, seed: 3 })];
  const attackText = attack.map(nginxLine);
  // Both are in time order; merge them so the file is too.
  const timeOf = (line: string) => Date.parse(line.slice(line.indexOf('[') + 1, line.indexOf(']')).replace(/^(\d+)\/(\w+)\/(\d+):/, '$2 $1 $3 '));
  return [...ordinary, ...attackText].sort((a, b) => timeOf(a) - timeOf(b));
}

const packRules = (p: Playbook) => new Set(p.detection.rules.filter((r) => r.pack !== undefined).map((r) => r.name));
const fired = (signals: readonly DetectorSignal[], rules: ReadonlySet<string>) =>
  signals.filter((s) => s.kind === 'fired' && rules.has(s.rule));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-http-pack-'));
  for (const seed of SEEDS) playbooks.set(seed, await withPack(seed));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ATTACKS: [HttpAttack, string][] = [
  ['probing', 'http-probing'],
  ['sensitive-files', 'http-sensitive-files'],
  ['path-traversal', 'http-path-traversal-probing'],
  ['sqli', 'http-sqli-probing'],
  ['xss', 'http-xss-probing'],
  ['bad-user-agent', 'http-bad-user-agent'],
  ['scanner-user-agent', 'http-scanner-user-agent'],
  ['generic-bf', 'http-generic-bf'],
  ['crawl', 'http-crawl-non-statics'],
  ['cache-bypass', 'http-dos-bypass-cache'],
  ['switching-ua', 'http-dos-switching-ua'],
  ['open-proxy', 'http-open-proxy'],
  ['backdoors', 'http-backdoors-attempts'],
  ['admin-interface', 'http-admin-interface-probing'],
  ['technology', 'http-technology-probing'],
];

describe.each(SEEDS)('the http pack included in %s', (seed) => {
  it.each(ATTACKS)('catches %s with rule %s, keyed on the attacker, at the least severe level', async (attack, rule) => {
    const playbook = playbooks.get(seed) as Playbook;
    const signals = await replay(playbook, mixed(attackLines(attack, ATTACKER, T0 + 60_000)));
    const hits = fired(signals, new Set([rule]));
    expect(hits.map((s) => s.groupKey.split('|')[0])).toContain(ATTACKER);
    // Only the attacker: the guests around it never trip the rule.
    expect(new Set(hits.map((s) => s.groupKey.split('|')[0]))).toEqual(new Set([ATTACKER]));
    const least = [...playbook.severity.scale].sort((a, b) => b.rank - a.rank)[0]?.name;
    expect(hits[0]?.severity).toBe(least);
  });

  it('fires no pack rule on guests sharing join tokens over many networks', async () => {
    const playbook = playbooks.get(seed) as Playbook;
    const signals = await replay(playbook, [...fotospielAccessLines({ lines: 30_000, start: T0, gapMs: 20, seed: 5 })]);
    expect(fired(signals, packRules(playbook))).toEqual([]);
  });

  it("fires no pack rule on 6FB's salons, front desks and mobile app on a Monday morning", async () => {
    const playbook = playbooks.get(seed) as Playbook;
    const signals = await replay(playbook, bookingLines({ start: T0, minutes: 20 }).map(nginxLine));
    expect(fired(signals, packRules(playbook))).toEqual([]);
  });

  it('applies no automatic block to a 300-guest wedding behind one venue address', async () => {
    const playbook = playbooks.get(seed) as Playbook;
    const lines = venueLines({ ip: '203.0.113.200', guests: 300, start: T0, minutes: 30 });
    const signals = fired(await replay(playbook, lines.map(nginxLine)), packRules(playbook));
    const automatic = signals.filter((s) => s.mitigation?.automatic === true);
    expect(automatic.map((s) => s.rule)).toEqual([]);
    // What a venue's shared address does trip, as the README says: two per-address volume rules that only
    // propose a block (a playbook whose guests share addresses leaves them out with `except`).
    expect([...new Set(signals.map((s) => s.rule))].sort()).toEqual(['http-crawl-non-statics', 'http-probing']);
  });

  it('with except, a venue trips no pack rule at all', async () => {
    const playbook = await withPack(seed, 'include:\n  - { pack: http, except: [http-crawl-non-statics, http-probing] }\n');
    const lines = venueLines({ ip: '203.0.113.200', guests: 300, start: T0, minutes: 30 });
    expect(fired(await replay(playbook, lines.map(nginxLine)), packRules(playbook))).toEqual([]);
  });
});

describe('the http pack rules over the nginx error log', () => {
  const errorLine = (time: number, body: string): string => {
    const d = new Date(time);
    const pad = (n: number) => String(n).padStart(2, '0');
    const stamp = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    return `${stamp} ${body}`;
  };
  const SOURCE = '    - { kind: log, name: nginx-errors, path: logs/error.log, format: nginx-error, timezone: UTC }\n';

  async function errorPlaybook(): Promise<Playbook> {
    const file = join(PLAYBOOKS, 'fotospiel-public-api.yaml');
    const text = withoutInclude(await readFile(file, 'utf8'))
      .replace('rampart: 1\n', 'rampart: 1\ninclude: [http]\n')
      .replace('    - { kind: gateway }\n', `    - { kind: gateway }\n${SOURCE}`);
    const loaded = parsePlaybook(text, file);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    return loaded.playbook;
  }

  async function replayErrors(playbook: Playbook, lines: string[]): Promise<DetectorSignal[]> {
    const sub = join(dir, `errors-${fileCount++}`);
    await mkdir(sub);
    const file = join(sub, 'error.log');
    await writeFile(file, `${lines.join('\n')}\n`);
    const result = await replayFiles([file], { playbook, tokenKey: KEY });
    expect(result.skippedTotal).toBe(0);
    return result.signals.filter((s) => s.kind === 'fired');
  }

  const basicAuth = (time: number, ip: string, user: string, n: number) =>
    errorLine(
      time,
      n % 2 === 0
        ? `[error] 812#812: *${n} user "${user}": password mismatch, client: ${ip}, server: admin.example.test, request: "GET /admin/ HTTP/1.1", host: "admin.example.test"`
        : `[error] 812#812: *${n} user "${user}" was not found in "/etc/nginx/.htpasswd", client: ${ip}, server: admin.example.test, request: "GET /admin/ HTTP/1.1", host: "admin.example.test"`,
    );
  const limited = (time: number, ip: string, n: number, dry = false) =>
    errorLine(
      time,
      `[error] 812#812: *${n} limiting requests${dry ? ', dry run' : ''}, excess: 5.${n % 10}00 by zone "per_ip", client: ${ip}, server: api.example.test, request: "GET /api/v1/events/abc/photos HTTP/1.1", host: "api.example.test"`,
    );

  it('catches basic-auth brute force in an Apache error log (2.4 and 2.2 forms), not one mistyped password', async () => {
    const file = join(PLAYBOOKS, 'fotospiel-public-api.yaml');
    const text = withoutInclude(await readFile(file, 'utf8'))
      .replace('rampart: 1\n', 'rampart: 1\ninclude: [http]\n')
      .replace('    - { kind: gateway }\n', '    - { kind: gateway }\n    - { kind: log, path: logs/apache-error.log, format: apache-error, timezone: UTC }\n');
    const loaded = parsePlaybook(text, file);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    const stamp = (n: number) => `Sun Oct 19 12:00:${String(n).padStart(2, '0')}`;
    const lines = [
      ...Array.from({ length: 8 }, (_, n) =>
        n % 2 === 0
          ? `[${stamp(n * 3)}.000000 2025] [auth_basic:error] [pid 41:tid 7] [client ${ATTACKER}:5${n}000] AH01617: user admin${n}: authentication failure for "/admin": Password Mismatch`
          : `[${stamp(n * 3)} 2025] [error] [client ${ATTACKER}] user root${n} not found: /admin`,
      ),
      `[${stamp(20)}.000000 2025] [auth_basic:error] [pid 41:tid 7] [client 192.0.2.44:50000] AH01617: user anna: authentication failure for "/admin": Password Mismatch`,
    ];
    const sub = join(dir, `apache-${fileCount++}`);
    await mkdir(sub);
    await writeFile(join(sub, 'apache-error.log'), `${lines.join('\n')}\n`);
    const result = await replayFiles([join(sub, 'apache-error.log')], { playbook: loaded.playbook, tokenKey: KEY });
    expect(result.skippedTotal).toBe(0);
    const hits = result.signals.filter((s) => s.kind === 'fired' && s.rule === 'http-basic-auth-bf-apache');
    expect(hits.map((s) => s.groupKey)).toEqual([ATTACKER]);
  });

  it('includes both rules when the playbook reads an nginx error log', async () => {
    const names = (await errorPlaybook()).detection.rules.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['http-basic-auth-bf', 'nginx-req-limit-exceeded']));
  });

  it('catches basic-auth brute force from one address, not a person mistyping twice', async () => {
    const playbook = await errorPlaybook();
    const lines = [
      ...Array.from({ length: 12 }, (_, n) => basicAuth(T0 + n * 2_000, ATTACKER, `user${n}`, n)),
      basicAuth(T0 + 5_000, '192.0.2.44', 'anna', 0),
      basicAuth(T0 + 9_000, '192.0.2.44', 'anna', 1),
    ].sort();
    const signals = await replayErrors(playbook, lines);
    expect(signals.filter((s) => s.rule === 'http-basic-auth-bf').map((s) => s.groupKey)).toEqual([ATTACKER]);
  });

  it("catches an address nginx's limit_req keeps refusing; a burst of a few and dry runs do not", async () => {
    const playbook = await errorPlaybook();
    const lines = [
      ...Array.from({ length: 20 }, (_, n) => limited(T0 + n * 1_000, ATTACKER, n)),
      ...Array.from({ length: 4 }, (_, n) => limited(T0 + n * 1_000, '192.0.2.45', n)),
      ...Array.from({ length: 20 }, (_, n) => limited(T0 + n * 1_000, '192.0.2.46', n, true)),
    ].sort();
    const signals = await replayErrors(playbook, lines);
    expect(signals.filter((s) => s.rule === 'nginx-req-limit-exceeded').map((s) => s.groupKey)).toEqual([ATTACKER]);
  });
});
