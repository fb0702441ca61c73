import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../playbook/index.js';
import { ruleSchema } from '../playbook/schema/detection.js';
import { replayFiles } from './replay.js';
import { fotospielAccessLines } from './testing/fotospiel-traffic.js';
import { seedPlaybook } from './testing/events.js';
import { SCANNER_PATHS, scannerLines, scannerPortRules } from './testing/scanner-port.js';

const START = Date.UTC(2025, 9, 13, 18, 0, 0);
let dir = '';
let file = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-rule-index-'));
  file = join(dir, 'access.log');
  const guests = [...fotospielAccessLines({ lines: 40_000, start: START, attack: true, gapMs: 20 })];
  // Two scanners in the middle of the evening: one walks 40 of the ported paths three times, one a few twice.
  const scanners = [
    ...scannerLines('192.0.2.66', SCANNER_PATHS.filter((_, i) => i % 15 === 0), 3, START + 5 * 60_000),
    ...scannerLines('192.0.2.77', ['/.env', '/wp/.git/config', '/api/v1/unknown'], 2, START + 6 * 60_000),
  ];
  const lines = [...guests.slice(0, 15_000), ...scanners, ...guests.slice(15_000)];
  await writeFile(file, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The filter language's forms beside the port, so the index is checked on lists, groups and ignore_case too. */
const LANGUAGE_RULES = [
  {
    name: 'sensitive-files',
    source: 'gateway',
    filter: { path: { ends_with: ['/.env', '/.git/config', '.sql'], ignore_case: true }, not: { status: '2xx' } },
    group_by: ['ip'],
    trigger: { type: 'threshold', count: 2, window: '5m' },
  },
  {
    name: 'probe-any',
    source: 'gateway',
    filter: { any: [{ status: 404, method: 'GET' }, { decision: 'rate-limited' }], route: { equals: 'gallery', ignore_case: true } },
    group_by: ['ip_prefix'],
    trigger: { type: 'distinct', field: 'path', count: 5, window: '5m' },
  },
  {
    name: 'errors-by-route',
    filter: { status: '5xx', route: ['event-api', 'gallery'] },
    group_by: ['route'],
    trigger: { type: 'threshold', count: 10, window: '1m' },
  },
];

function withRules(base: Playbook, rules: Record<string, unknown>[]): Playbook {
  const parsed = rules.map((r) => ruleSchema.parse(r));
  return { ...base, detection: { ...base.detection, rules: [...base.detection.rules, ...parsed] } };
}

async function both(playbook: Playbook) {
  const run = (index: boolean) => replayFiles([file], { playbook, tokenKey: 'k-0123456789abcdef', format: 'nginx', index });
  const [indexed, plain] = [await run(true), await run(false)];
  return { indexed, plain };
}

describe('the rule index gives the same signals as offering every event to every rule', () => {
  it('the fotospiel seed rules', async () => {
    const { indexed, plain } = await both(await seedPlaybook('fotospiel-public-api.yaml'));
    expect(indexed.signals.length).toBeGreaterThan(0);
    expect(indexed.signals).toEqual(plain.signals);
    expect(indexed.clears).toEqual(plain.clears);
    expect(indexed.stats.rules).toEqual(plain.stats.rules);
  }, 120_000);

  it('the 6fb seed rules', async () => {
    const { indexed, plain } = await both(await seedPlaybook('6fb-booking.yaml'));
    expect(indexed.signals).toEqual(plain.signals);
    expect(indexed.clears).toEqual(plain.clears);
  }, 120_000);

  it('a 600-rule scanner port beside lists, not/any groups and ignore_case', async () => {
    const base = await seedPlaybook('fotospiel-public-api.yaml');
    const playbook = withRules(base, [...scannerPortRules(), ...LANGUAGE_RULES]);
    expect(playbook.detection.rules.length).toBeGreaterThan(600);
    const { indexed, plain } = await both(playbook);
    const fired = indexed.signals.filter((s) => s.kind === 'fired').map((s) => `${s.rule}:${s.groupKey}`);
    // The first scanner tried each of its 40 paths three times: 40 ported rules fire for it, and the lists catch both.
    expect(fired.filter((f) => f.startsWith('scan-') && f.endsWith(':192.0.2.66'))).toHaveLength(40);
    expect(fired).toContain('sensitive-files:192.0.2.66');
    expect(fired).toContain('sensitive-files:192.0.2.77');
    expect(indexed.signals).toEqual(plain.signals);
    expect(indexed.clears).toEqual(plain.clears);
    expect(indexed.stats.rules).toEqual(plain.stats.rules);
  }, 240_000);
});
