import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  acknowledge,
  applyMitigation,
  clearSignal,
  confirmVerificationStep,
  ingestSignal,
  keepMitigation,
  liftMitigation,
  markMitigated,
  resolveIncident,
  verifyIncident,
} from '../desk/index.js';
import { capturedLogger, deskWithNotifier, fotospielPlaybook } from '../notify/testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from '../notify/testing/http-receiver.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { isRampartError } from '../shared/errors.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { compileMonitors } from './compile-monitor.js';
import { createMonitorRunner } from './monitor-runner.js';
import { createRoutineRunner } from './routine-runner.js';
import { pointAt, startFakeApp, type FakeApp } from './testing/fake-app.js';

const TOKEN = 'jt_live_0123456789abcdef';
const SLACK = 'T0001/B0002/slacksecret';

async function refusal(work: Promise<unknown>): Promise<{ code: string; details: string[] }> {
  try {
    await work;
  } catch (error) {
    if (isRampartError(error)) return { code: error.code, details: error.details.map((d) => d.message) };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(await contractEngines())("the responders' loop on $name", (engine) => {
  let target: EngineTarget;
  let store: Store;
  let slack: HttpReceiver;
  let pd: HttpReceiver;
  let app: FakeApp;
  let playbook: Playbook;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    slack = await startHttpReceiver();
    pd = await startHttpReceiver({ fallback: { status: 202, body: '{"status":"success"}' } });
    app = await startFakeApp({ knownToken: TOKEN });
    const seed = await fotospielPlaybook();
    // The seed's monitors, aimed at the local app; on-call also hears about the post-mortem's due date.
    playbook = {
      ...seed,
      monitors: pointAt(seed.monitors, app.url),
      comms: {
        ...seed.comms,
        audiences: seed.comms.audiences.map((a) =>
          a.name === 'on-call'
            ? { ...a, when: { ...a.when, events: [...a.when.events, 'postmortem_due' as const] } }
            : a,
        ),
      },
    };
  });
  beforeEach(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
  });
  afterEach(async () => {
    while (stops.length > 0) await stops.pop()?.();
    slack.reset();
    pd.reset();
    await store.close();
    await target.drop();
  });
  afterAll(async () => {
    await Promise.all([slack.close(), pd.close(), app.close()]);
  });

  function wire(clock: ManualClock) {
    const env = {
      SLACK_WEBHOOK_URL: `${slack.url}/services/${SLACK}`,
      SLACK_SUPPORT_WEBHOOK_URL: `${slack.url}/support/${SLACK}`,
      PAGERDUTY_ROUTING_KEY: 'pdkey0123456789abcdef0123456789X',
      KNOWN_GOOD_TOKEN: TOKEN,
    };
    const { logger, lines } = capturedLogger();
    const { notifier, ctx } = deskWithNotifier({
      store,
      clock,
      playbook,
      env,
      logger,
      pagerDutyEventsUrl: `${pd.url}/v2/enqueue`,
    });
    const monitors = createMonitorRunner({
      monitors: compileMonitors([playbook], env),
      desk: ctx('monitors'),
      logger,
    });
    const routines = createRoutineRunner({ store, playbooks: [playbook], logger, monitors });
    // One scheduler, one clock: notify's cadence and post-mortem jobs, the monitors and the routines.
    monitors.schedule(notifier.scheduler);
    routines.schedule(notifier.scheduler);
    stops.push(() => notifier.stop());
    const step = async (iso: string) => {
      clock.set(iso);
      const ran = await notifier.tick(clock.now());
      await notifier.dispatchDue(clock.now());
      return ran;
    };
    return { notifier, ctx, step, lines, routines };
  }

  const slackTexts = (): string[] =>
    slack.accepted().map((r) => (JSON.parse(r.body) as { text: string }).text);

  it('walks a SEV-2 from page to RCA overdue, with the verification gate refusing then allowing "resolved"', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00.000Z'); // Monday, 11:00 in Berlin
    const { ctx, step, lines, routines } = wire(clock);
    const alice = ctx('cli:alice');

    // 10:00 — the detector's brute-force signal opens a SEV-2; on-call is paged (Slack + PagerDuty), support told.
    const { incident } = await ingestSignal({
      ctx: ctx('detector'),
      input: {
        service: 'guest-api',
        rule: 'token-brute-force',
        fingerprint: 'token-brute-force:203.0.113.0/24',
        title: 'Join-token brute force from 203.0.113.0/24',
        severity: 'SEV-2',
        scope: { ips: ['203.0.113.7'] },
      },
    });
    const block = await applyMitigation({
      ctx: alice,
      input: {
        service: 'guest-api',
        kind: 'block',
        target: '203.0.113.0/24',
        reason: 'brute force',
        incidentId: incident.id,
        forMs: 86_400_000,
      },
    });
    clock.set('2026-01-05T10:00:30.000Z');
    const watch = await applyMitigation({
      ctx: alice,
      input: {
        service: 'guest-api',
        kind: 'block',
        target: '198.51.100.9',
        reason: 'known scanner',
        incidentId: incident.id,
      },
    });
    app.healthy = false; // the gallery's storage fails at the same time
    const ran = await step('2026-01-05T10:00:00.000Z');
    expect(ran).toEqual(expect.arrayContaining(['monitor:guest-api:gallery-known-good', 'routines']));
    expect(pd.accepted().map((r) => (JSON.parse(r.body) as { event_action: string }).event_action)).toEqual([
      'trigger',
    ]);
    expect(slackTexts().filter((t) => t.includes(`[${incident.id}] SEV-2 opened`))).toHaveLength(1);
    const support = slack.accepted().filter((r) => r.path.startsWith('/support/'));
    expect(support.filter((r) => r.body.includes('[SEV-2] Join-token brute force'))).toHaveLength(1);
    // The failing monitor is a signal like any other: its own incident, opened once however often it fails.
    const failing = await store.incidents.findOpenByFingerprint(
      'guest-api',
      'guest-api:monitor:gallery-known-good',
    );
    expect(failing?.title).toBe('Monitor gallery-known-good failing: expected status 200, got 503');
    // Today's 09:00 (Berlin) daily routines reminded on-call; the one with a monitor recorded its failure.
    const daily = (await routines.list(clock.now())).find((r) => r.name === 'gallery-availability');
    expect(daily).toMatchObject({
      nextDue: '2026-01-06T08:00:00.000Z',
      last: { outcome: 'fail', occurrence: '2026-01-05T08:00:00.000Z' },
    });
    expect(slackTexts().filter((t) => t.includes('routine due: Known-good gallery request'))).toHaveLength(1);

    // 11:00 and 12:00 — hourly update reminders; 11:15 — nobody updated: "update overdue" on the timeline, once.
    await step('2026-01-05T10:01:00.000Z');
    await step('2026-01-05T11:00:00.000Z');
    await step('2026-01-05T11:15:00.000Z');
    await step('2026-01-05T11:30:00.000Z');
    await step('2026-01-05T12:00:00.000Z');
    expect(slackTexts().filter((t) => t.includes(`[${incident.id}] SEV-2 update due`))).toHaveLength(2);
    const timeline = async () => (await store.timeline.list(incident.id)).map((e) => e.summary);
    expect((await timeline()).filter((s) => s.startsWith('update overdue'))).toEqual([
      'update overdue: no update for 75 min (one was due at 2026-01-05T11:00:00.000Z)',
    ]);
    expect(await store.monitorResults.list('guest-api', 'gallery-known-good')).toHaveLength(7);
    expect((await store.timeline.list(failing!.id)).filter((e) => e.kind === 'signal')).toHaveLength(1); // not seven

    // 12:05 — mitigated. "Resolved" is refused: the monitor fails, the signal has not cleared, the block holds.
    clock.set('2026-01-05T12:05:00.000Z');
    await acknowledge({ ctx: alice, input: { id: incident.id } });
    await markMitigated({ ctx: alice, input: { id: incident.id, note: 'block holds' } });
    const first = await refusal(resolveIncident({ ctx: alice, input: { id: incident.id } }));
    expect(first.code).toBe('RAMPART_VERIFICATION_FAILED');
    expect(first.details).toEqual([
      expect.stringMatching(/^Re-run test requests .*: gallery-known-good has not run since the mitigation/),
      'Validate join-token creation/revocation via Filament: not confirmed: Validate join-token creation/revocation via Filament',
      'Error rates back to baseline: token-brute-force has not cleared',
      `Temporary blocks removed once the threat subsides: still in force: ${block.id} (block 203.0.113.0/24), ${watch.id} (block 198.51.100.9)`,
    ]);
    expect(await store.incidents.get(incident.id)).toMatchObject({ status: 'mitigated' });
    // A responder's API key cannot override; the refusal itself is on the timeline.
    const viaApi = { ...ctx('api:ops-key'), role: 'responder' as const };
    expect(
      (
        await refusal(
          resolveIncident({ ctx: viaApi, input: { id: incident.id, override: { reason: 'trust me' } } }),
        )
      ).code,
    ).toBe('RAMPART_FORBIDDEN');
    expect((await timeline()).filter((s) => s.startsWith('verification refused'))).toHaveLength(1);

    // 12:10 — storage is back: the monitor passes on its next run and clears its own signal; the rule clears.
    app.healthy = true;
    await step('2026-01-05T12:10:00.000Z');
    expect((await store.timeline.list(failing!.id)).map((e) => e.summary)).toContain(
      'monitor:gallery-known-good clear: monitor gallery-known-good passes again (200, ' +
        `${(await store.monitorResults.latest('guest-api', 'gallery-known-good'))!.latencyMs} ms)`,
    );
    await clearSignal({
      ctx: ctx('detector'),
      input: {
        service: 'guest-api',
        rule: 'token-brute-force',
        fingerprint: 'token-brute-force:203.0.113.0/24',
      },
    });
    await confirmVerificationStep({
      ctx: alice,
      input: { id: incident.id, step: '2', note: 'revoked and re-created a test token' },
    });
    await keepMitigation({ ctx: alice, input: { id: watch.id, reason: 'a known scanner; stays blocked' } });
    clock.set('2026-01-05T12:15:00.000Z');
    const partial = await verifyIncident(alice, incident.id);
    expect(partial.checks.map((c) => [c.check, c.ok])).toEqual([
      ['monitors', true],
      ['manual', true],
      ['error_rate_baseline', false],
      ['mitigations_lifted', false],
    ]);
    expect(partial.checks[2]!.detail).toBe('token-brute-force clear for 5m of 10m');

    // 12:21 — ten quiet minutes, the temporary block lifted: "resolved" is allowed; the post-mortem is due in 48 h.
    await step('2026-01-05T12:21:00.000Z');
    await liftMitigation({ ctx: alice, input: { id: block.id, reason: 'threat subsided' } });
    const resolved = await resolveIncident({ ctx: alice, input: { id: incident.id } });
    expect(resolved.status).toBe('resolved');
    const entries = await store.timeline.list(incident.id);
    const verdict = entries.find((e) => e.kind === 'verification' && e.data.outcome === 'passed');
    expect(verdict?.summary).toBe('verification passed (4 steps)');
    expect(await store.postmortems.get(incident.id)).toMatchObject({ dueAt: '2026-01-07T12:21:00.000Z' });

    // The RCA: reminded 24 h before it is due, again when due, and "overdue" on the timeline once.
    await step('2026-01-06T12:00:00.000Z');
    expect(slackTexts().filter((t) => t.includes('post-mortem due'))).toHaveLength(0);
    await step('2026-01-06T12:30:00.000Z');
    await step('2026-01-06T13:00:00.000Z');
    const pmTexts = () => slackTexts().filter((t) => t.includes(`[${incident.id}] post-mortem due`));
    expect(pmTexts()).toEqual([
      expect.stringContaining('is due at 2026-01-07T12:21:00.000Z (in about 24 h)'),
    ]);
    expect((await timeline()).filter((s) => s.startsWith('post-mortem overdue'))).toEqual([]);
    await step('2026-01-07T12:30:00.000Z');
    await step('2026-01-07T13:00:00.000Z');
    expect(pmTexts()).toHaveLength(2);
    expect(pmTexts()[1]).toContain('was due at 2026-01-07T12:21:00.000Z');
    expect((await timeline()).filter((s) => s.startsWith('post-mortem overdue'))).toEqual([
      'post-mortem overdue: it was due at 2026-01-07T12:21:00.000Z',
    ]);

    // The join token never reached a log line, a stored result, a timeline entry or a message.
    const stored = JSON.stringify([
      await store.monitorResults.list('guest-api', 'gallery-known-good'),
      await store.timeline.list(failing!.id),
      entries,
      await store.outbox.list({ limit: 1000 }),
      await store.audit.list({ limit: 1000 }),
    ]);
    expect(stored).not.toContain(TOKEN);
    expect(lines.join('')).not.toContain(TOKEN);
    expect(slack.requests.map((r) => r.body).join('')).not.toContain(TOKEN);
  });
});
