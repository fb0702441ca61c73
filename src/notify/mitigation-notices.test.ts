import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyMitigation, liftMitigation, openIncident, resolveIncident } from '../desk/index.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { sqliteEngine, type EngineTarget } from '../store/testing/contract-engines.js';
import { verifyWebhookSignature } from './channels/webhook.js';
import { capturedLogger, deskWithNotifier, fotospielPlaybook } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from './testing/smtp-receiver.js';
import { checkPagerDutyRequest, checkSlackRequest } from './testing/wire-checks.js';

const MONDAY_10 = '2026-01-05T10:00:00.000Z';
const HOOK_SECRET = 'hook-secret-0123456789';

/**
 * Issue 11: a mitigation applied to an incident, and its lift, reach every channel of the audiences that ask
 * for them, each message carrying the mitigation (kind, readable target, until, reason, author). Real HTTP and
 * SMTP on loopback; the receivers check the wire format as Slack and PagerDuty would.
 */
describe('notifications on mitigation applied and lifted', () => {
  let target: EngineTarget;
  let store: Store;
  let hook: HttpReceiver;
  let slack: HttpReceiver;
  let pd: HttpReceiver;
  let smtp: SmtpReceiver;
  let playbook: Playbook;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    hook = await startHttpReceiver();
    slack = await startHttpReceiver({ check: checkSlackRequest });
    pd = await startHttpReceiver({
      check: checkPagerDutyRequest,
      fallback: { status: 202, body: '{"status":"success"}' },
    });
    smtp = await startSmtpReceiver({ user: 'rampart', pass: 'smtp-pass' });
    const seed = await fotospielPlaybook();
    // One audience with a channel of every kind, asking for the two mitigation events only.
    playbook = {
      ...seed,
      comms: {
        ...seed.comms,
        audiences: [
          {
            name: 'automation',
            channels: [
              { type: 'webhook', url_env: 'HOOK_URL', secret_env: 'HOOK_SECRET' },
              { type: 'slack', target: '#incident-response', webhook_env: 'SLACK_WEBHOOK_URL' },
              { type: 'pagerduty', routing_key_env: 'PAGERDUTY_ROUTING_KEY' },
              { type: 'email', to: ['oncall@fotospiel.example'], smtp_env: 'SMTP_URL' },
            ],
            when: { events: ['mitigation_applied', 'mitigation_lifted'] },
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
    pd.reset();
    smtp.mails.length = 0;
    await store.close();
    await target.drop();
  });
  afterAll(async () => {
    await Promise.all([hook.close(), slack.close(), pd.close(), smtp.close()]);
  });

  function setup(clock: ManualClock) {
    const { logger } = capturedLogger();
    const wired = deskWithNotifier({
      store,
      clock,
      playbook,
      env: {
        HOOK_URL: `${hook.url}/rampart`,
        HOOK_SECRET,
        SLACK_WEBHOOK_URL: `${slack.url}/services/T1/B1/x`,
        PAGERDUTY_ROUTING_KEY: 'pdkey0123456789abcdef0123456789X',
        SMTP_URL: smtp.url,
      },
      logger,
      pagerDutyEventsUrl: `${pd.url}/v2/enqueue`,
    });
    stops.push(() => wired.notifier.stop());
    return wired;
  }

  it('sends mitigation-applied and -lifted on webhook, Slack, PagerDuty and e-mail, each carrying the mitigation', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const incident = await openIncident({
      ctx: ctx('detector'),
      input: { service: 'guest-api', title: 'Join-token enumeration', severity: 'SEV-2' },
    });
    await notifier.dispatchDue(clock.now());
    expect(hook.requests).toHaveLength(0); // the audience does not ask for "opened"

    const block = await applyMitigation({
      ctx: ctx('detector'),
      input: {
        service: 'guest-api',
        kind: 'block',
        target: '203.0.113.0/24',
        reason: 'rule token-enumeration: 25 tokens from one /24',
        forMs: 3_600_000,
        incidentId: incident.id,
      },
    });
    expect(await notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 4, failed: 0 });

    const applied = hook.accepted()[0]!;
    const body = JSON.parse(applied.body) as Record<string, unknown>;
    expect(
      verifyWebhookSignature({
        secret: HOOK_SECRET,
        body: applied.body,
        timestamp: applied.headers['x-rampart-timestamp'] as string,
        signature: applied.headers['x-rampart-signature'] as string,
        now: clock.now(),
      }),
    ).toBe(true);
    const expected = {
      id: block.id,
      kind: 'block',
      target: '203.0.113.0/24',
      until: '2026-01-05T11:00:00.000Z',
      reason: 'rule token-enumeration: 25 tokens from one /24',
      author: 'detector',
    };
    expect(body).toMatchObject({
      event: 'mitigation_applied',
      incident: { id: incident.id },
      mitigation: expected,
    });

    const slackText = JSON.stringify(JSON.parse(slack.accepted()[0]!.body));
    expect(slackText).toContain('*Mitigation*');
    expect(slackText).toContain('203.0.113.0/24');
    expect(slackText).toContain('detector');

    const page = JSON.parse(pd.accepted()[0]!.body) as {
      event_action: string;
      dedup_key: string;
      payload: { custom_details: { mitigation: unknown } };
    };
    expect(page).toMatchObject({ event_action: 'trigger', dedup_key: `rampart-${incident.id}` });
    expect(page.payload.custom_details.mitigation).toMatchObject(expected);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.header('x-rampart-mitigation')).toBe(block.id);
    expect(smtp.mails[0]!.text).toContain('block 203.0.113.0/24 until 2026-01-05 11:00 UTC by detector');

    // A responder lifts it: a second message on every channel, carrying who lifted it.
    clock.set('2026-01-05T10:20:00.000Z');
    await liftMitigation({ ctx: ctx('cli:alice'), input: { id: block.id, reason: 'attack over' } });
    expect(await notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 4, failed: 0 });
    const lifted = JSON.parse(hook.accepted()[1]!.body) as Record<string, unknown>;
    expect(lifted).toMatchObject({
      event: 'mitigation_lifted',
      mitigation: { ...expected, liftedAt: '2026-01-05T10:20:00.000Z', liftedBy: 'cli:alice' },
    });
    expect(pd.accepted()).toHaveLength(2);
    expect(smtp.mails[1]!.text).toContain('lifted block 203.0.113.0/24 by cli:alice');
  });

  it('shows a revoked token by its preview, never its keyed hash, and pages nothing once the incident is resolved', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const incident = await openIncident({
      ctx: ctx('detector'),
      input: { service: 'guest-api', title: 'Leaked join token', severity: 'SEV-1' },
    });
    const hash = 'a'.repeat(64);
    const revoke = await applyMitigation({
      ctx: ctx('detector'),
      input: {
        service: 'guest-api',
        kind: 'revoke-token',
        target: hash,
        reason: 'rule token-leak',
        incidentId: incident.id,
        data: { preview: 'jtAb…9Z' },
      },
    });
    await notifier.dispatchDue(clock.now());
    const body = hook.accepted()[0]!.body;
    expect(JSON.parse(body)).toMatchObject({
      mitigation: { kind: 'revoke-token', target: 'jtAb…9Z', until: null },
    });
    expect(body).not.toContain(hash);
    expect(pd.accepted()[0]!.body).not.toContain(hash);

    // A CLI actor counts as admin: the override (verification would still want the token lifted) is on record.
    await resolveIncident({
      ctx: ctx('cli:alice'),
      input: { id: incident.id, override: { reason: 'drill over' } },
    });
    expect((await store.incidents.get(incident.id))?.status).toBe('resolved');
    await notifier.dispatchDue(clock.now());
    const before = pd.accepted().length;
    await liftMitigation({ ctx: ctx('cli:alice'), input: { id: revoke.id } });
    await notifier.dispatchDue(clock.now());
    // The webhook hears of the lift; PagerDuty does not (a trigger after resolve would open a fresh alert).
    expect(hook.accepted().map((r) => (JSON.parse(r.body) as { event: string }).event)).toEqual([
      'mitigation_applied',
      'mitigation_lifted',
    ]);
    expect(pd.accepted()).toHaveLength(before);
  });
});
