import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMitigation, catalogOf, type DeskContext } from '../desk/index.js';
import { requestEvent } from '../detector/testing/events.js';
import type { Mitigation } from '../domain/mitigation.js';
import { formatPlaybookError, loadPlaybook, type Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { RampartError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { openStore, type Store } from '../store/index.js';
import { createDetectionLoop, type DetectionLoop } from './detection-loop.js';
import { compileNeverBlock } from './never-block-list.js';
import { policyFromPlaybook } from './service-policies.js';

const TOKEN_KEY = 'test-token-key-0123456789';

const PLAYBOOK = `rampart: 1
service:
  name: shop
  title: Shop
  upstream: { url: "http://127.0.0.1:9" }
  routes: [{ name: login, pattern: "/login" }, { name: items, pattern: "/items/{id}" }]
severity:
  scale: [{ name: SEV-1, rank: 1 }, { name: SEV-2, rank: 2 }]
  default: SEV-2
checklist:
  phases: [{ name: Now, time_box: 15m, steps: [{ id: look, title: Look }] }]
detection:
  sources: [{ kind: gateway }]
  rules:
    - name: brute-force
      source: gateway
      filter: { route: [login], status: [401] }
      group_by: [ip]
      trigger: { type: threshold, count: 3, window: 1m }
      quiet_period: 1m
      mitigation: { action: block, target: ip, escalate: [1h, 24h, 7d], escalate_reset: 30d, automatic: true }
never_block:
  addresses: [192.0.2.0/24]
  subjects: [ops-bot]
`;

const H = 3_600_000;
const D = 24 * H;
const ATTACKER = '203.0.113.9';

let dir = '';
let store: Store | undefined;
let loop: DetectionLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  loop = undefined;
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function setUp(): Promise<{ clock: ManualClock; ctx: DeskContext; loop: DetectionLoop; playbook: Playbook }> {
  dir = await mkdtemp(join(tmpdir(), 'rampart-controls-'));
  await writeFile(join(dir, 'shop.yaml'), PLAYBOOK);
  const loaded = await loadPlaybook(join(dir, 'shop.yaml'), { cwd: dir });
  if (!loaded.ok) throw new Error(loaded.errors.map(formatPlaybookError).join('\n'));
  const playbook = loaded.playbook;
  store = await openStore('sqlite::memory:', { cwd: dir });
  const clock = new ManualClock('2026-01-05T10:00:00.000Z');
  const { list } = compileNeverBlock(playbook, {}, TOKEN_KEY);
  const ctx: DeskContext = {
    store,
    clock,
    services: catalogOf([policyFromPlaybook(playbook, list)]),
    actor: 'detector',
  };
  loop = createDetectionLoop({
    playbooks: [playbook],
    ctx,
    clock,
    tokenKey: TOKEN_KEY,
    logger: createLogger({ level: 'silent' }),
    cwd: dir,
    tickMs: 60_000,
  });
  loop.start();
  return { clock, ctx, loop, playbook };
}

/** Three failed logins from one address, one second apart, at the clock's time: the rule fires. */
async function attack(l: DetectionLoop, clock: ManualClock, ip: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    l.ingest(
      requestEvent({ service: 'shop', time: clock.now().getTime(), ip, method: 'POST', path: '/login', route: '/login', status: 401 }),
    );
    clock.advance(1000);
  }
  await l.idle();
}

/** The attack's episode ends (quiet period), and `ms` later the clock stands where the next one starts. */
async function later(l: DetectionLoop, clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  l.detector.tick();
  await l.idle();
}

const blocksOf = async (target: string): Promise<Mitigation[]> =>
  (await store!.mitigations.list({ service: 'shop', kind: 'block', target })).reverse();

describe('repeat offenders (escalate: [1h, 24h, 7d], escalate_reset: 30d)', () => {
  it('each new offence of one address gets the next step, recorded with its level and why; a clean month starts over', async () => {
    const { clock, loop: l } = await setUp();
    await attack(l, clock, ATTACKER);
    // The block expires after 1h; the address comes back 2h later.
    await later(l, clock, 2 * H);
    await attack(l, clock, ATTACKER);
    // Its 24h block ends; it comes back after 30h.
    await later(l, clock, 30 * H);
    await attack(l, clock, ATTACKER);
    // Its 7d block ends; a 4th offence a day after that stays at the last step.
    await later(l, clock, 8 * D);
    await attack(l, clock, ATTACKER);
    // Then 7d + 31 days clean: a first offence again.
    await later(l, clock, 38 * D);
    await attack(l, clock, ATTACKER);

    const blocks = await blocksOf(ATTACKER);
    const lifetimes = blocks.map((m) => Date.parse(m.expiresAt ?? '') - Date.parse(m.createdAt));
    expect(lifetimes).toEqual([1 * H, 24 * H, 7 * D, 7 * D, 1 * H]);
    expect(blocks.map((m) => m.data.escalation_level)).toEqual([1, 2, 3, 4, 1]);
    expect(blocks[0]?.data.escalation).toBe('1st offence (none in the last 30d): 1h');
    expect(blocks[1]?.data.escalation).toMatch(/^2nd offence in a row \(the previous one ended 1h ago, within the 30d reset\): 1d$/);
    expect(blocks[2]?.data.escalation).toMatch(/^3rd offence in a row .*: 7d$/);
    expect(blocks[4]?.data.escalation).toBe('1st offence (none in the last 30d): 1h');
    // The reason people read says it too.
    expect(blocks[1]?.reason).toContain('2nd offence in a row');
  }, 60_000);
});

describe('never_block', () => {
  it('a rule firing on a protected address applies nothing and says so on the incident timeline', async () => {
    const { clock, loop: l } = await setUp();
    await attack(l, clock, '192.0.2.50');
    expect(await store!.mitigations.list({ service: 'shop' })).toEqual([]);
    const [incident] = await store!.incidents.list({});
    expect(incident).toBeDefined();
    const timeline = await store!.timeline.list(incident!.id);
    const refusal = timeline.find((e) => e.summary.startsWith('refused block'));
    expect(refusal?.summary).toBe(
      'refused block 192.0.2.50: never_block — 192.0.2.50 covers 192.0.2.0/24 (never_block.addresses)',
    );
    // An unprotected attacker in the same run is still blocked.
    await attack(l, clock, ATTACKER);
    expect((await store!.mitigations.list({ service: 'shop' })).map((m) => m.target)).toEqual([ATTACKER]);
  }, 60_000);

  it('refuses a responder too: a range that holds a protected address, a protected subject, revoke-all', async () => {
    const { ctx } = await setUp();
    const responder: DeskContext = { ...ctx, actor: 'alice' };
    const refused = async (kind: 'block' | 'revoke-subject' | 'revoke-all', target: string) => {
      const error = await applyMitigation({ ctx: responder, input: { service: 'shop', kind, target, reason: 'test' } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RampartError);
      return (error as RampartError).code + ': ' + (error as RampartError).message;
    };
    expect(await refused('block', '192.0.0.0/16')).toBe(
      'RAMPART_PROTECTED: block 192.0.0.0/16 refused: never_block — 192.0.0.0/16 covers 192.0.2.0/24 (never_block.addresses)',
    );
    // However the address is written: the gateway folds an IPv4-mapped IPv6 address to IPv4, and so does the check.
    expect(await refused('block', '::ffff:192.0.2.9')).toMatch(/^RAMPART_PROTECTED: .*covers 192\.0\.2\.0\/24/);
    expect(await refused('revoke-subject', 'ops-bot')).toMatch(/^RAMPART_PROTECTED: .*subject ops-bot is protected/);
    expect(await refused('revoke-all', '*')).toMatch(/^RAMPART_PROTECTED: .*ops-bot/);
    // Outside the list, the same responder's block is applied.
    const ok = await applyMitigation({ ctx: responder, input: { service: 'shop', kind: 'block', target: '192.0.3.0/24', reason: 'test' } });
    expect(ok.target).toBe('192.0.3.0/24');
    const audit = await store!.audit.list({});
    expect(audit.filter((a) => a.action === 'mitigation.refused')).toHaveLength(4);
  }, 60_000);
});

describe('never_block compiled at start-up', () => {
  it("protects the monitors' tokens (hashed, from their ${ENV} values) and loopback when they call a local gateway", async () => {
    dir = await mkdtemp(join(tmpdir(), 'rampart-controls-'));
    const yaml = `${PLAYBOOK.replace('  subjects: [ops-bot]\n', '  subjects: [ops-bot]\n  tokens_env: [SPARE_TOKEN, UNSET_TOKEN]\n  monitors: true\n')}monitors:
  - name: gallery-ok
    request: { url: "http://127.0.0.1:8080/items/\${KNOWN_GOOD_TOKEN}", headers: { authorization: "Bearer \${MONITOR_JWT}" } }
`;
    await writeFile(join(dir, 'shop.yaml'), yaml);
    const loaded = await loadPlaybook(join(dir, 'shop.yaml'), { cwd: dir });
    if (!loaded.ok) throw new Error(loaded.errors.map(formatPlaybookError).join('\n'));
    const env = {
      KNOWN_GOOD_TOKEN: 'good-token-value-123',
      MONITOR_JWT: 'eyJ.monitor.jwt',
      SPARE_TOKEN: 'spare-token-value-456',
    };
    const { list, warnings } = compileNeverBlock(loaded.playbook, env, TOKEN_KEY);
    const { hashToken } = await import('../shared/secrets.js');
    expect(list.tokenHashes.map((p) => p.value).sort()).toEqual(
      [hashToken('good-token-value-123', TOKEN_KEY), hashToken('eyJ.monitor.jwt', TOKEN_KEY), hashToken('spare-token-value-456', TOKEN_KEY)].sort(),
    );
    // No raw token is kept anywhere in the list.
    expect(JSON.stringify(list)).not.toContain('good-token-value-123');
    expect(list.addresses.map((p) => p.value)).toEqual(['192.0.2.0/24', '127.0.0.1', '::1']);
    expect(warnings).toEqual(['shop: never_block names UNSET_TOKEN, which is not set; that token is not protected']);
    const { explainPlaybook } = await import('../playbook/index.js');
    const explained = explainPlaybook(loaded.playbook, new Date('2026-01-05T10:00:00Z'));
    expect(explained).toContain("Never block: addresses 192.0.2.0/24; the tokens in SPARE_TOKEN, UNSET_TOKEN; subjects ops-bot; the monitors' own traffic");
    expect(explained).toContain('then automatically: block the client IP for 1h, then 1d, then 7d on repeat offences (clean again after 30d)');
  });
});
