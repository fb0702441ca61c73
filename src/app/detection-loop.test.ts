import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogOf } from '../desk/index.js';
import type { DetectorSignal } from '../detector/index.js';
import { clfTime } from '../detector/testing/log-lines.js';
import { formatPlaybookError, loadPlaybook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openStore, type Store } from '../store/index.js';
import { createDetectionLoop, type DetectionLoop } from './detection-loop.js';
import { policyFromPlaybook } from './service-policies.js';

const PLAYBOOK = `rampart: 1
service:
  name: shop
  title: Shop
  upstream: { url: "http://127.0.0.1:9" }
  routes: [{ name: api, pattern: "/api/*" }]
severity:
  scale: [{ name: SEV-1, rank: 1 }, { name: SEV-2, rank: 2 }]
  default: SEV-2
checklist:
  phases: [{ name: Now, time_box: 15m, steps: [{ id: look, title: Look }] }]
detection:
  sources:
    - { kind: log, name: access, path: logs/access.log, format: nginx }
    - { kind: log, name: errors, path: logs/error.log, format: nginx-error }
  rules:
    - name: probing
      source: access
      filter: { status: 404 }
      group_by: [ip]
      trigger: { type: threshold, count: 20, window: 1m }
      quiet_period: 10m
      mitigation: { action: block, target: ip, for: 1h, automatic: true }
`;

/** 2025-11-19 12:00:00 UTC: 13:00 in Europe/Berlin (CET, +01:00). */
const T = Date.UTC(2025, 10, 19, 12, 0, 0);
const ATTACKER = '203.0.113.7';

/** nginx's access log writes local time with its offset (+0100): read right. */
const accessLine = (ms: number, i: number) =>
  `${ATTACKER} - - [${clfTime(ms + 3_600_000).replace('+0000', '+0100')}] "GET /wp-admin/probe-${i}.php HTTP/1.1" 404 153 "-" "Mozilla/5.0" 0.001 -`;

/** nginx's error log writes local time without an offset: read as UTC, it is an hour ahead in Berlin. */
const berlinErrorLine = (ms: number) => {
  const local = new Date(ms + 3_600_000).toISOString();
  const stamp = `${local.slice(0, 10).replaceAll('-', '/')} ${local.slice(11, 19)}`;
  return `${stamp} [error] 77#77: *1 open() "/usr/share/nginx/html/wp-admin/probe.php" failed (2: No such file or directory), client: ${ATTACKER}, server: shop, request: "GET /wp-admin/probe.php HTTP/1.1", host: "shop.example"`;
};

let dir = '';
let store: Store | undefined;
let loop: DetectionLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function until(what: string, done: () => boolean): Promise<void> {
  // Generous: the tailer polls every 200 ms and the machine may be loaded.
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describe('sources with skewed clocks (nginx in Europe/Berlin)', () => {
  it('an error log an hour ahead neither clears nor re-fires the access-log rule: one attack, one block', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-skew-'));
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs/access.log'), '');
    await writeFile(join(dir, 'logs/error.log'), '');
    await writeFile(join(dir, 'shop.yaml'), PLAYBOOK);
    const loaded = await loadPlaybook(join(dir, 'shop.yaml'));
    if (!loaded.ok) throw new Error(loaded.errors.map(formatPlaybookError).join('\n'));
    const playbook = loaded.playbook;
    store = await openStore('sqlite::memory:', { cwd: dir });
    const clock = new ManualClock(new Date(T).toISOString());
    const openedStore = store;
    loop = createDetectionLoop({
      playbooks: [playbook],
      ctx: {
        store: openedStore,
        clock,
        services: catalogOf([policyFromPlaybook(playbook)]),
        actor: 'detector',
      },
      clock,
      tokenKey: 'test-token-key-0123456789',
      logger: createLogger({ level: 'silent' }),
      cwd: dir,
      tickMs: 100,
    });
    const signals: DetectorSignal[] = [];
    loop.onOutcome((signal) => signals.push(signal));
    const detector = loop.detector;
    loop.start();
    // The tailers start at the end of the files: give them a moment to open them.
    await new Promise((r) => setTimeout(r, 300));

    // The first half of the attack: 25 probes in 25 s. The rule fires once.
    await appendFile(
      join(dir, 'logs/access.log'),
      `${Array.from({ length: 25 }, (_, i) => accessLine(T + i * 1000, i)).join('\n')}\n`,
    );
    await until('the first half of the attack', () => detector.stats().events >= 25);
    await loop.idle();
    // nginx logs the same probes in its error log, stamped in local time.
    await appendFile(join(dir, 'logs/error.log'), `${berlinErrorLine(T + 26_000)}\n`);
    await until('the error-log line', () => detector.stats().events >= 26);
    await loop.idle();
    // The second half, a few seconds later.
    await appendFile(
      join(dir, 'logs/access.log'),
      `${Array.from({ length: 25 }, (_, i) => accessLine(T + 30_000 + i * 1000, 25 + i)).join('\n')}\n`,
    );
    await until('the second half of the attack', () => detector.stats().events >= 51);
    await loop.idle();

    const fired = signals.filter((s) => s.rule === 'probing' && s.kind === 'fired');
    expect(fired.map((s) => [s.groupKey, s.at])).toEqual([[ATTACKER, new Date(T + 19_000).toISOString()]]);
    expect(detector.stats().clears).toBe(0);
    const blocks = (await openedStore.mitigations.list({ service: 'shop' })).filter(
      (m) => m.kind === 'block',
    );
    expect(blocks.map((m) => m.target)).toEqual([ATTACKER]);
  }, 60_000);
});
