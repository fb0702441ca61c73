import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRampartError } from '../shared/errors.js';
import { planFile, replayFiles } from './replay.js';
import { calibrate, chooseThreads } from './replay-threads.js';
import type { Calibration } from './replay-threads.js';
import type { ReplayResult } from './replay.js';
import { playbookWith, seedPlaybook } from './testing/events.js';
import { fotospielAccessLines } from './testing/fotospiel-traffic.js';
import { attackLines, nginxLine } from './testing/http-attacks.js';
import { laravelLine } from './testing/log-lines.js';
import type { HttpAttack } from './testing/http-attacks.js';

const KEY = 'replay-threads-key-0123456789';
const START = Date.UTC(2025, 9, 18, 18, 0, 0);
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-replay-threads-'));
  file = join(dir, 'access.log');
  // An evening of guests with a token enumeration in the middle, then the pack's attacks one after another.
  const lines = [...fotospielAccessLines({ lines: 30_000, start: START, attack: true, gapMs: 20 })];
  const attacks: HttpAttack[] = [
    'probing',
    'sensitive-files',
    'path-traversal',
    'scanner-user-agent',
    'backdoors',
  ];
  attacks.forEach((kind, i) => {
    for (const line of attackLines(kind, `198.51.100.${10 + i}`, START + 700_000 + i * 20_000))
      lines.push(nginxLine(line));
  });
  await writeFile(file, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a user reads off a replay: every signal and clear in order, and the rules' stats. */
const outcome = (r: ReplayResult) => ({
  signals: r.signals,
  clears: r.clears,
  stats: r.stats,
  events: r.events,
  skipped: r.skipped,
});

describe('replay split across threads', () => {
  it('raises the same signals and clears, in the same order, with the same stats as one thread', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    const one = await replayFiles([file], { playbook, tokenKey: KEY, format: 'nginx', threads: 1 });
    expect(one.threads).toBe(1);
    const fired = new Set(one.signals.filter((s) => s.kind === 'fired').map((s) => s.rule));
    // Not an empty comparison: the seed's own rules and the pack's both fired.
    expect(fired).toContain('token-enumeration');
    expect(fired).toContain('http-probing');
    expect(fired.size).toBeGreaterThanOrEqual(4);
    for (const threads of [2, 3]) {
      const split = await replayFiles([file], { playbook, tokenKey: KEY, format: 'nginx', threads });
      expect(split.threads).toBe(threads);
      expect(outcome(split)).toEqual(outcome(one));
    }
  }, 60_000);

  it('calls onSignal and onClear with every signal and clear, in order, when split', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    const seen: string[] = [];
    const split = await replayFiles([file], {
      playbook,
      tokenKey: KEY,
      format: 'nginx',
      threads: 2,
      onSignal: (s) => seen.push(`signal ${s.rule} ${s.groupKey}`),
      onClear: (c) => seen.push(`clear ${c.rule} ${c.groupKey}`),
    });
    expect(seen.filter((s) => s.startsWith('signal'))).toEqual(
      split.signals.map((s) => `signal ${s.rule} ${s.groupKey}`),
    );
    expect(seen.filter((s) => s.startsWith('clear'))).toEqual(
      split.clears.map((c) => `clear ${c.rule} ${c.groupKey}`),
    );
  }, 60_000);

  it('reports a file that cannot be read by name, from any thread', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    const missing = join(dir, 'gone.log');
    const error = await replayFiles([missing], {
      playbook,
      tokenKey: KEY,
      format: 'nginx',
      threads: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('gone.log');
  }, 60_000);

  it('refuses a thread count that is not a whole number from 1 to 64, naming it', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    for (const threads of [0, 1.5, 65]) {
      const error = await replayFiles([file], { playbook, tokenKey: KEY, format: 'nginx', threads }).catch(
        (e: unknown) => e,
      );
      expect(isRampartError(error) && error.code === 'RAMPART_CONFIG' && error.message).toContain(
        `--threads: expected a whole number from 1 to 64, got ${threads}`,
      );
    }
  });

  it('by default stays in one thread for a file under 64 MB', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    expect((await replayFiles([file], { playbook, tokenKey: KEY, format: 'nginx' })).threads).toBe(1);
  });

  it('by default splits only when the rules measured on the head cost enough more than reading the lines', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    const plan = { ...planFile(file, playbook, 'nginx'), bytes: statSync(file).size };
    const units = playbook.detection.rules.map((rule) => [rule]);
    const calibration = (ruleMs: number, parseMs: number): Calibration => ({
      units,
      weights: units.map(() => ruleMs / units.length),
      parseMs,
      // The head as a tenth of the file: the file's own figures are ten times these.
      headBytes: statSync(file).size / 10,
    });
    // Rules at twice the parse: two threads (each parses, each runs half the rules).
    expect(chooseThreads([plan], calibration(2_000, 1_000), 2)).toBe(2);
    expect(chooseThreads([plan], calibration(2_000, 1_000), 4)).toBeGreaterThanOrEqual(2);
    // Rules at half the parse: splitting would parse twice for little, one thread.
    expect(chooseThreads([plan], calibration(500, 1_000), 2)).toBe(1);
    // Nothing measured (no event in the head): one thread.
    expect(chooseThreads([plan], { ...calibration(2_000, 1_000), headBytes: 0 }, 2)).toBe(1);
  });

  it('lists signals in the same order as one thread when rules fire at one event and at the final tick, on several sources', async () => {
    // A 404 threshold and a health check's absence come due on the same event (the engine settles silences
    // before it offers the event to the rules), and the final tick ends absences on two sources.
    const line = (s: number, uri: string, status: number) =>
      nginxLine({
        time: START + s * 1000,
        ip: '203.0.113.5',
        method: 'GET',
        uri,
        status,
        bytes: 0,
        userAgent: 'x',
        requestTime: 0.01,
      });
    const access: string[] = [];
    for (let s = 0; s <= 120; s += 10) access.push(line(s, '/health', 200));
    for (let s = 121; s <= 200; s++)
      access.push(
        line(s, s >= 176 && s <= 180 ? '/nope' : '/api/v1/downloads/x', s >= 176 && s <= 180 ? 404 : 200),
      );
    const laravel = Array.from({ length: 7 }, (_, i) => laravelLine(START + i * 10_000, 'INFO', 'hello', {}));
    await writeFile(join(dir, 'order-access.log'), `${access.join('\n')}\n`);
    await writeFile(join(dir, 'laravel.log'), `${laravel.join('\n')}\n`);
    const playbook = await playbookWith([
      {
        name: 'a-404s',
        source: 'gateway',
        filter: { status: [404] },
        trigger: { type: 'threshold', count: 5, window: '1m' },
      },
      { name: 'b-laravel-quiet', source: 'laravel', trigger: { type: 'absence', for: '1m' } },
      {
        name: 'c-health-absent',
        source: 'gateway',
        filter: { route: ['health'] },
        trigger: { type: 'absence', for: '1m' },
      },
    ]);
    const files = [join(dir, 'order-access.log:nginx'), join(dir, 'laravel.log')];
    const one = await replayFiles(files, { playbook, tokenKey: KEY, threads: 1 });
    const rules = one.signals.filter((s) => s.kind === 'fired').map((s) => s.rule);
    expect(rules).toEqual(expect.arrayContaining(['a-404s', 'b-laravel-quiet', 'c-health-absent']));
    for (const threads of [2, 3]) {
      const split = await replayFiles(files, { playbook, tokenKey: KEY, threads });
      expect(split.threads).toBe(threads);
      expect(outcome(split)).toEqual(outcome(one));
    }
  }, 60_000);

  it('runs in one thread when there is nothing to split (no rule, or one)', async () => {
    const seed = await seedPlaybook('fotospiel-public-api.yaml');
    for (const rules of [[], seed.detection.rules.slice(0, 1)]) {
      const playbook = { ...seed, detection: { ...seed.detection, rules } };
      const result = await replayFiles([file], { playbook, tokenKey: KEY, format: 'nginx', threads: 2 });
      expect(result.threads).toBe(1);
      expect(result.events).toBeGreaterThan(30_000);
    }
  });

  it('measures the rules on the biggest file, not on a small first one', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    const small = join(dir, 'small.log');
    await writeFile(small, `${[...fotospielAccessLines({ lines: 100, start: START })].join('\n')}\n`);
    const plan = (path: string) => ({ ...planFile(path, playbook, 'nginx'), bytes: statSync(path).size });
    // 100 lines alone are too few to measure by; with the big file after them, its head is measured.
    expect((await calibrate([plan(small)], { playbook, tokenKey: KEY })).headBytes).toBe(0);
    const both = await calibrate([plan(small), plan(file)], { playbook, tokenKey: KEY });
    expect(both.headBytes).toBeGreaterThan(statSync(small).size);
    expect(both.weights.every((w) => w > 0)).toBe(true);
  });
});
