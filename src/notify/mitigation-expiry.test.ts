import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMitigation,
  extendMitigation,
  liftMitigation,
  noteExpiredMitigations,
  openIncident,
  type DeskContext,
} from '../desk/index.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { contractEngines, sqliteEngine, type EngineTarget } from '../store/testing/contract-engines.js';
import { deskWithNotifier, fotospielPlaybook } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';
import { checkSlackRequest } from './testing/wire-checks.js';

const MONDAY_10 = '2026-01-05T10:00:00.000Z';
const silent = createLogger({ level: 'silent' });
const engines = await contractEngines();

/**
 * A temporary mitigation that runs out is not silent: its incident's timeline says so once, and the audiences
 * that route `mitigation_lifted` (an expiry is how a block most often ends) or `mitigation_expired` hear of it
 * once, through the outbox, whichever desk notices first. Real HTTP on loopback; Slack's wire format is checked.
 */
describe('a mitigation that expires', () => {
  let target: EngineTarget;
  let store: Store;
  let hook: HttpReceiver;
  let slack: HttpReceiver;
  let playbook: Playbook;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    hook = await startHttpReceiver();
    slack = await startHttpReceiver({ check: checkSlackRequest });
    const seed = await fotospielPlaybook();
    playbook = {
      ...seed,
      comms: {
        ...seed.comms,
        audiences: [
          // Routes applied and lifted, as playbooks written before `mitigation_expired` existed do.
          {
            name: 'automation',
            channels: [{ type: 'webhook', url_env: 'HOOK_URL' }],
            when: { events: ['mitigation_applied', 'mitigation_lifted'] },
            timing: 'immediate',
            requires_approval: false,
          },
          // Wants only expiries.
          {
            name: 'on-call',
            channels: [{ type: 'slack', target: '#ops', webhook_env: 'SLACK_WEBHOOK_URL' }],
            when: { events: ['mitigation_expired'] },
            timing: 'immediate',
            requires_approval: false,
          },
        ],
      },
    };
  });
  beforeEach(async () => {
    target = await sqliteEngine.create();
    store = await openStore(target.url, { cwd: target.cwd });
  });
  afterEach(async () => {
    while (stops.length > 0) await stops.pop()?.();
    hook.reset();
    slack.reset();
    await store.close();
    await target.drop();
  });
  afterAll(async () => {
    await Promise.all([hook.close(), slack.close()]);
  });

  function setup(clock: ManualClock) {
    const wired = deskWithNotifier({
      store,
      clock,
      playbook,
      env: { HOOK_URL: `${hook.url}/rampart`, SLACK_WEBHOOK_URL: `${slack.url}/services/T1/B1/x` },
      logger: silent,
    });
    stops.push(() => wired.notifier.stop());
    return wired;
  }

  async function blockFor(ctx: DeskContext, forMs: number) {
    const incident = await openIncident({
      ctx,
      input: { service: 'guest-api', title: 'Join-token enumeration', severity: 'SEV-2' },
    });
    const block = await applyMitigation({
      ctx,
      input: {
        service: 'guest-api',
        kind: 'block',
        target: '203.0.113.0/24',
        reason: 'rule token-enumeration',
        forMs,
        incidentId: incident.id,
      },
    });
    return { incident, block };
  }

  const expiryEntries = async (incidentId: string) =>
    (await store.timeline.list(incidentId)).filter((e) => e.summary.includes('expired'));

  it('writes one timeline entry and sends one notice per channel, however many desks look', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const { incident, block } = await blockFor(ctx('detector'), 3_600_000);
    await notifier.dispatchDue(clock.now());
    expect(hook.accepted()).toHaveLength(1); // applied
    expect(slack.accepted()).toHaveLength(0);

    clock.set('2026-01-05T10:59:59.000Z');
    expect(await noteExpiredMitigations(ctx('rampart'))).toHaveLength(0);

    clock.set('2026-01-05T11:00:05.000Z');
    // Two desks noticing at once (and again later) note it once.
    const [a, b] = await Promise.all([
      noteExpiredMitigations(ctx('rampart')),
      noteExpiredMitigations(ctx('rampart')),
    ]);
    expect(a.length + b.length).toBe(1);
    expect(await noteExpiredMitigations(ctx('rampart'))).toHaveLength(0);

    const entries = await expiryEntries(incident.id);
    expect(entries.map((e) => e.summary)).toEqual(['block 203.0.113.0/24 expired after 1h']);
    expect(entries[0]).toMatchObject({
      kind: 'mitigation',
      data: { mitigation: block.id, reason: 'expired' },
    });

    expect(await notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 2, failed: 0 });
    expect(await notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 0 });
    const notice = JSON.parse(hook.accepted()[1]!.body) as Record<string, unknown>;
    expect(notice).toMatchObject({
      event: 'mitigation_expired',
      headline: expect.stringContaining('mitigation expired') as unknown,
      text: expect.stringContaining(
        'block 203.0.113.0/24 expired at 2026-01-05 11:00 UTC after 1h',
      ) as unknown,
      incident: { id: incident.id },
      mitigation: {
        id: block.id,
        target: '203.0.113.0/24',
        until: '2026-01-05T11:00:00.000Z',
        liftedAt: null,
      },
    });
    expect(slack.accepted()).toHaveLength(1);
    expect(slack.accepted()[0]!.body).toContain('203.0.113.0/24');
    expect(hook.accepted()).toHaveLength(2);
  });

  it('does not announce the old expiry of an extended mitigation, and announces the new one', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const { incident, block } = await blockFor(ctx('detector'), 3_600_000);
    clock.set('2026-01-05T10:50:00.000Z');
    await extendMitigation({
      ctx: ctx('cli:alice'),
      input: { id: block.id, forMs: 2 * 3_600_000, reason: 'still attacking' },
    });
    await notifier.dispatchDue(clock.now());
    hook.reset();

    clock.set('2026-01-05T11:00:05.000Z');
    expect(await noteExpiredMitigations(ctx('rampart'))).toHaveLength(0);
    await notifier.dispatchDue(clock.now());
    expect(hook.requests).toHaveLength(0);
    expect(slack.requests).toHaveLength(0);
    expect(await expiryEntries(incident.id)).toHaveLength(0);

    clock.set('2026-01-05T12:50:00.000Z');
    expect(await noteExpiredMitigations(ctx('rampart'))).toHaveLength(1);
    expect((await expiryEntries(incident.id)).map((e) => e.summary)).toEqual([
      'block 203.0.113.0/24 expired after 2h50m',
    ]);
    await notifier.dispatchDue(clock.now());
    expect(hook.accepted()).toHaveLength(1);
    expect(slack.accepted()).toHaveLength(1);
    // Once noted, it has ended: it cannot be extended back into force.
    await expect(
      extendMitigation({ ctx: ctx('cli:alice'), input: { id: block.id, forMs: 3_600_000, reason: 'again' } }),
    ).rejects.toThrow(/no longer in force/);
  });

  it('notes the expiry of a mitigation with no incident on the audit log, and announces nothing', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const block = await applyMitigation({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', kind: 'block', target: '192.0.2.8', reason: 'by hand', forMs: 600_000 },
    });
    clock.set('2026-01-05T10:10:01.000Z');
    expect((await noteExpiredMitigations(ctx('rampart'))).map((m) => m.id)).toEqual([block.id]);
    const audit = await store.audit.list({ action: 'mitigation.expire', limit: 10 });
    expect(audit).toMatchObject([{ target: block.id, details: { reason: 'expired', target: '192.0.2.8' } }]);
    await notifier.dispatchDue(clock.now());
    expect(hook.requests).toHaveLength(0);
    expect(slack.requests).toHaveLength(0);
  });

  it('sends nothing at the expiry of a mitigation lifted before it; expiries-only audiences hear no lift', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const { incident, block } = await blockFor(ctx('detector'), 3_600_000);
    clock.set('2026-01-05T10:20:00.000Z');
    await liftMitigation({ ctx: ctx('cli:alice'), input: { id: block.id, reason: 'attack over' } });
    clock.set('2026-01-05T11:30:00.000Z');
    expect(await noteExpiredMitigations(ctx('rampart'))).toHaveLength(0);
    await notifier.dispatchDue(clock.now());
    expect(hook.accepted().map((r) => (JSON.parse(r.body) as { event: string }).event)).toEqual([
      'mitigation_applied',
      'mitigation_lifted',
    ]);
    expect(slack.requests).toHaveLength(0);
    expect(await expiryEntries(incident.id)).toHaveLength(0);
  });
});

describe.each(engines)('expiries noted by two desks on one $name database', (engine) => {
  it('notes each of 20 expiries once: one timeline entry, one outbox row per channel', async () => {
    const target = await engine.create();
    const seed = await fotospielPlaybook();
    const playbook: Playbook = {
      ...seed,
      comms: {
        ...seed.comms,
        audiences: [
          ...seed.comms.audiences,
          {
            name: 'automation',
            channels: [
              { type: 'webhook', url_env: 'HOOK_URL' },
              { type: 'slack', target: '#ops', webhook_env: 'SLACK_WEBHOOK_URL' },
            ],
            when: { events: ['mitigation_lifted'] },
            timing: 'immediate',
            requires_approval: false,
          },
        ],
      },
    };
    const first = await openStore(target.url, { cwd: target.cwd });
    const second = engine.name === 'postgres' ? await openStore(target.url, { cwd: target.cwd }) : first;
    const clock = new ManualClock(MONDAY_10);
    const desks = [first, second].map((s) =>
      deskWithNotifier({ store: s, clock, playbook, env: {}, logger: silent }),
    );
    try {
      const ctx = desks[0]!.ctx('detector');
      const incident = await openIncident({
        ctx,
        input: { service: 'guest-api', title: 'Join-token enumeration', severity: 'SEV-2' },
      });
      const routed = playbook.comms.audiences.filter((a) =>
        a.when.events.some((e) => e === 'mitigation_lifted' || e === 'mitigation_expired'),
      );
      const channels = routed.reduce((n, a) => n + a.channels.length, 0);
      const before = (await first.outbox.list({ incidentId: incident.id })).length;
      for (let i = 0; i < 20; i += 1) {
        await applyMitigation({
          ctx,
          input: {
            service: 'guest-api',
            kind: 'block',
            target: `198.51.100.${i + 1}`,
            reason: 'rule token-enumeration',
            forMs: 60_000 + i * 1000,
            incidentId: incident.id,
          },
        });
      }
      const applied = (await first.outbox.list({ incidentId: incident.id })).length;
      clock.set('2026-01-05T10:30:00.000Z');
      const rounds = await Promise.all(
        [0, 1, 0, 1].map((d) => noteExpiredMitigations(desks[d]!.ctx('rampart'))),
      );
      expect(rounds.reduce((n, r) => n + r.length, 0)).toBe(20);
      const entries = (await first.timeline.list(incident.id)).filter((e) => e.summary.includes('expired'));
      expect(entries).toHaveLength(20);
      expect(new Set(entries.map((e) => e.data.mitigation)).size).toBe(20);
      const expiredRows = (await first.outbox.list({ incidentId: incident.id })).length - applied;
      expect(channels).toBe(2);
      expect(expiredRows).toBe(20 * channels);
      expect(applied - before).toBe(0); // the audience does not route mitigation_applied
    } finally {
      for (const d of desks) await d.notifier.stop();
      await first.close();
      if (second !== first) await second.close();
      await target.drop();
    }
  });
});
