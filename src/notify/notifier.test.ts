import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledge, addNote, markMitigated, openIncident, resolveIncident } from '../desk/index.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { approveMessage } from './approve.js';
import { capturedLogger, deskWithNotifier, fotospielPlaybook } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from './testing/smtp-receiver.js';
import { checkPagerDutyRequest, checkSlackRequest } from './testing/wire-checks.js';

const MIN = 60_000;
const MONDAY_10 = '2026-01-05T10:00:00.000Z';
const ROUTING_KEY = 'pdkey0123456789abcdef0123456789X';
const SLACK_SECRET = 'T0001/B0002/slacksecretpath';
const SMTP_PASS = 'smtp-very-secret';

describe.each(await contractEngines())('notifications on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  let slack: HttpReceiver;
  let pd: HttpReceiver;
  let smtp: SmtpReceiver;
  let playbook: Playbook;
  let env: Record<string, string>;
  const stops: (() => Promise<void>)[] = [];

  // Each case gets an empty store: messages one case leaves pending must not be sent in the next.
  beforeEach(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
  });
  beforeAll(async () => {
    slack = await startHttpReceiver({ check: checkSlackRequest });
    pd = await startHttpReceiver({
      check: checkPagerDutyRequest,
      fallback: { status: 202, body: '{"status":"success"}' },
    });
    smtp = await startSmtpReceiver({ user: 'rampart', pass: SMTP_PASS });
    playbook = await fotospielPlaybook();
    env = {
      SLACK_WEBHOOK_URL: `${slack.url}/services/${SLACK_SECRET}`,
      SLACK_SUPPORT_WEBHOOK_URL: `${slack.url}/support/${SLACK_SECRET}`,
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      SMTP_URL: smtp.url,
      RAMPART_TENANT_CONTACTS: JSON.stringify({ acme: { email: 'ops@acme.example', name: 'ACME Events' } }),
    };
  });
  afterEach(async () => {
    while (stops.length > 0) await stops.pop()?.();
    slack.reset();
    pd.reset();
    await store.close();
    await target.drop();
  });
  afterAll(async () => {
    await Promise.all([slack.close(), pd.close(), smtp.close()]);
  });

  function setup(clock: ManualClock, over: { playbook?: Playbook; store?: Store } = {}) {
    const { logger, lines } = capturedLogger();
    const wired = deskWithNotifier({
      store: over.store ?? store,
      clock,
      playbook: over.playbook ?? playbook,
      env,
      logger,
      pagerDutyEventsUrl: `${pd.url}/v2/enqueue`,
      publicUrl: 'https://rampart.example',
    });
    stops.push(() => wired.notifier.stop());
    return { ...wired, lines };
  }

  /** The seed playbook with one audience, so a case counts exactly the messages it is about. */
  const only = (name: string): Playbook => ({
    ...playbook,
    comms: { ...playbook.comms, audiences: playbook.comms.audiences.filter((a) => a.name === name) },
  });

  const notifications = async (id: string): Promise<string[]> =>
    (await store.timeline.list(id)).filter((e) => e.kind === 'notification').map((e) => e.summary);

  it('walks a SEV-2: pages on-call, reminds hourly, marks an overdue update, e-mails tenants after approval', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx, lines } = setup(clock);
    const alice = ctx('cli:alice');
    const incident = await openIncident({
      ctx: ctx('detector'),
      input: {
        service: 'guest-api',
        title: 'Join-token brute force',
        severity: 'SEV-2',
        commander: 'alice',
        scope: { tenants: ['acme'] },
      },
    });
    expect(await notifier.dispatchDue(clock.now())).toEqual({ delivered: 3, retried: 0, failed: 0 });
    expect(slack.accepted().map((r) => r.path)).toEqual([
      `/services/${SLACK_SECRET}`,
      `/support/${SLACK_SECRET}`,
    ]);
    const support = JSON.parse(slack.accepted()[1]!.body) as { text: string };
    expect(support.text).toContain('Affected: 1 tenant(s), 0 event(s).');
    expect(support.text).toContain('Mitigation: none yet');
    const trigger = JSON.parse(pd.accepted()[0]!.body) as {
      event_action: string;
      dedup_key: string;
      payload: { severity: string };
    };
    expect(trigger).toMatchObject({
      event_action: 'trigger',
      dedup_key: `rampart-${incident.id}`,
      payload: { severity: 'error' },
    });

    // 11:00 — the first hourly update is due: the commander is reminded on the on-call Slack (PagerDuty is not re-paged).
    clock.set('2026-01-05T11:00:00.000Z');
    await notifier.tick(clock.now());
    await notifier.dispatchDue(clock.now());
    const reminders = (): string[] =>
      slack
        .accepted()
        .map((r) => (JSON.parse(r.body) as { text: string }).text)
        .filter((t) => t.includes('update due'));
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]).toContain('alice: an update on');
    expect(pd.accepted()).toHaveLength(1);
    // 11:05 — alice posts an update; 11:20 is then not overdue, and the next update is due at 12:05.
    clock.set('2026-01-05T11:05:00.000Z');
    await addNote({
      ctx: alice,
      input: { id: incident.id, text: 'Blocked the /24; watching for rotation.' },
    });
    clock.set('2026-01-05T11:20:00.000Z');
    await notifier.tick(clock.now());
    clock.set('2026-01-05T12:04:00.000Z');
    await notifier.tick(clock.now());
    await notifier.dispatchDue(clock.now());
    expect(reminders()).toHaveLength(1);
    clock.set('2026-01-05T12:05:00.000Z');
    await notifier.tick(clock.now());
    await notifier.tick(new Date('2026-01-05T12:06:00.000Z'));
    await notifier.dispatchDue(clock.now());
    expect(reminders()).toHaveLength(2);
    expect((await notifications(incident.id)).filter((s) => s.startsWith('update overdue'))).toEqual([]);
    clock.set('2026-01-05T12:20:00.000Z');
    await notifier.tick(clock.now());
    await notifier.tick(new Date('2026-01-05T12:30:00.000Z'));
    const overdue = (await notifications(incident.id)).filter((s) => s.startsWith('update overdue'));
    expect(overdue).toEqual([
      'update overdue: no update for 75 min (one was due at 2026-01-05T12:05:00.000Z, commander alice)',
    ]);

    // Acknowledge, mitigate: PagerDuty acknowledges the same alert; the tenant e-mail waits for approval.
    clock.set('2026-01-05T12:40:00.000Z');
    await acknowledge({ ctx: alice, input: { id: incident.id } });
    await markMitigated({ ctx: alice, input: { id: incident.id, note: 'block holds' } });
    await notifier.dispatchDue(clock.now());
    expect(smtp.mails).toHaveLength(0);
    const held = await store.outbox.list({ incidentId: incident.id, status: ['held'] });
    expect(held.map((m) => m.channel)).toEqual(['email']);
    await approveMessage({ store, clock, id: held[0]!.id, actor: 'cli:bob' });
    await notifier.dispatchDue(clock.now());
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ rcptTo: ['ops@acme.example'] });
    expect(smtp.mails[0]!.header('subject')).toBe('Public gallery disruption');
    expect(smtp.mails[0]!.text).toContain('Hello ACME Events,');
    expect(smtp.mails[0]!.text).toContain('between 2026-01-05 10:00 UTC and 2026-01-05 12:40 UTC');

    // The seed's verification (monitors, a manual step) is not what this test is about: alice overrides it.
    await resolveIncident({
      ctx: alice,
      input: { id: incident.id, override: { reason: 'verified by hand' } },
    });
    await notifier.dispatchDue(clock.now());
    const actions = pd
      .accepted()
      .map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string });
    expect(actions.map((a) => a.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(actions.map((a) => a.dedup_key)).size).toBe(1);
    const timeline = await notifications(incident.id);
    expect(timeline.filter((s) => s.startsWith('PagerDuty (on-call) delivered'))).toHaveLength(3);
    expect(timeline).toContain('E-mail (tenants) to tenant acme delivered: Public gallery disruption');
    expect(timeline.some((s) => s.includes('awaits approval'))).toBe(true);
    const log = lines.join('');
    for (const secret of [SLACK_SECRET, ROUTING_KEY, SMTP_PASS, slack.url + '/services'])
      expect(log).not.toContain(secret);
    expect(log).toContain('notification delivered');
  });

  it('delivers exactly one message to a receiver that answers 500 then 200, after the back-off', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock, { playbook: only('on-call-minor') });
    slack.script({ status: 500, body: 'oops' });
    const incident = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Gallery 500s', severity: 'SEV-3' },
    });
    expect(await notifier.dispatchDue(clock.now())).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(await notifier.dispatchDue(new Date(clock.now().getTime() + 9_999))).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    expect(await notifier.dispatchDue(new Date(clock.now().getTime() + 10_000))).toEqual({
      delivered: 1,
      retried: 0,
      failed: 0,
    });
    expect(await notifier.dispatchDue(new Date(clock.now().getTime() + 3_600_000))).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    expect(slack.requests).toHaveLength(2);
    expect(slack.accepted()).toHaveLength(1);
    const rows = await store.outbox.list({ incidentId: incident.id });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['delivered', 2]]);
  });

  it('waits for Retry-After on a 429, and gives up at once on a 4xx with the failure on the timeline', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx, lines } = setup(clock, { playbook: only('on-call-minor') });
    slack.script(
      { status: 429, headers: { 'retry-after': '120' }, body: 'rate_limited' },
      { status: 403, body: 'invalid_token' },
    );
    const a = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'One', severity: 'SEV-3' },
    });
    const b = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Two', severity: 'SEV-3' },
    });
    expect(await notifier.dispatchDue(clock.now())).toEqual({ delivered: 0, retried: 1, failed: 1 });
    expect(await notifier.dispatchDue(new Date(Date.parse(MONDAY_10) + 119_000))).toMatchObject({
      delivered: 0,
    });
    expect(await notifier.dispatchDue(new Date(Date.parse(MONDAY_10) + 120_000))).toMatchObject({
      delivered: 1,
    });
    expect(await notifier.dispatchDue(new Date(Date.parse(MONDAY_10) + 86_400_000))).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    expect(slack.requests).toHaveLength(3);
    expect(await notifications(a.id)).toEqual([expect.stringMatching(/^Slack \(on-call-minor\) delivered/)]);
    expect(await notifications(b.id)).toEqual(['Slack (on-call-minor) failed: HTTP 403 invalid_token']);
    expect(lines.join('')).not.toContain(SLACK_SECRET);
  });

  it('never enqueues the same event twice', async () => {
    const clock = new ManualClock(MONDAY_10);
    const { notifier, ctx } = setup(clock);
    const incident = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Twice', severity: 'SEV-1' },
    });
    expect(await notifier.handle({ type: 'incident.opened', incident })).toEqual([]);
    expect(
      (await store.outbox.list({ incidentId: incident.id })).map((m) => `${m.audience}/${m.channel}`),
    ).toEqual(['on-call/slack', 'on-call/pagerduty', 'support/slack']);
  });

  it('delivers once after a crash between enqueue and send, and once for a send whose lease ran out', async () => {
    const clock = new ManualClock(MONDAY_10);
    const first = await openStore(target.url, { cwd: target.cwd });
    const before = setup(clock, { store: first, playbook: only('on-call-minor') });
    const incident = await openIncident({
      ctx: before.ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Crash', severity: 'SEV-3' },
    });
    // The process dies here: nothing was sent, the store is closed.
    await before.notifier.stop();
    await first.close();
    expect(slack.requests).toHaveLength(0);

    const second = await openStore(target.url, { cwd: target.cwd });
    stops.push(() => second.close());
    const after = setup(clock, { store: second, playbook: only('on-call-minor') });
    expect(await after.notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 1 });
    expect(await after.notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 0 });
    expect(slack.accepted()).toHaveLength(1);

    // A dispatcher claimed a message and died mid-send: nobody sends it while its lease holds; once, after.
    const other = await openIncident({
      ctx: after.ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Stuck', severity: 'SEV-3' },
    });
    const stuck = await second.outbox.claimNext(
      clock.now().toISOString(),
      'dead-dispatcher',
      new Date(clock.now().getTime() + 2 * MIN).toISOString(),
    );
    expect(stuck?.incidentId).toEqual(other.id);
    expect(
      await second.outbox.claimNext(clock.now().toISOString(), 'x', clock.now().toISOString()),
    ).toBeUndefined();
    expect(await after.notifier.dispatchDue(new Date(clock.now().getTime() + MIN))).toMatchObject({
      delivered: 0,
    });
    expect(await after.notifier.dispatchDue(new Date(clock.now().getTime() + 2 * MIN))).toMatchObject({
      delivered: 1,
    });
    expect(
      await second.outbox.complete(stuck!.id, 'dead-dispatcher', { status: 'delivered', at: MONDAY_10 }),
    ).toBeUndefined();
    expect(slack.accepted()).toHaveLength(2);
    expect(await incidentIdsOf(slack)).toEqual([incident.id, other.id]);
  });

  it('holds a P3 raised on Saturday 23:00 in Berlin until Monday 09:00 business hours', async () => {
    const weekdays: Playbook = {
      ...playbook,
      comms: {
        business_hours: {
          timezone: 'Europe/Berlin',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          start: '09:00',
          end: '17:00',
        },
        audiences: [
          {
            name: 'team',
            channels: [{ type: 'slack', webhook_env: 'SLACK_WEBHOOK_URL' }],
            when: { severities: ['SEV-3'], events: ['opened'] },
            timing: 'business_hours',
            requires_approval: false,
          },
          {
            name: 'pager',
            channels: [{ type: 'pagerduty', routing_key_env: 'PAGERDUTY_ROUTING_KEY' }],
            when: { severities: ['SEV-1'], events: ['opened'] },
            timing: 'immediate',
            requires_approval: false,
          },
        ],
        templates: [],
      },
    };
    const clock = new ManualClock('2026-01-10T22:00:00.000Z'); // Saturday 23:00 CET
    const { notifier, ctx } = setup(clock, { playbook: weekdays });
    await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Cosmetic glitch', severity: 'SEV-3' },
    });
    await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Gallery down', severity: 'SEV-1' },
    });
    expect(await notifier.dispatchDue(clock.now())).toMatchObject({ delivered: 1 });
    expect(pd.accepted()).toHaveLength(1);
    expect(await notifier.dispatchDue(new Date('2026-01-11T12:00:00.000Z'))).toMatchObject({ delivered: 0 });
    expect(await notifier.dispatchDue(new Date('2026-01-12T07:59:59.000Z'))).toMatchObject({ delivered: 0 });
    expect(await notifier.dispatchDue(new Date('2026-01-12T08:00:00.000Z'))).toMatchObject({ delivered: 1 });
    expect(slack.accepted()).toHaveLength(1);
  });
});

async function incidentIdsOf(receiver: HttpReceiver): Promise<string[]> {
  return Promise.resolve(
    receiver
      .accepted()
      .map((r) => (JSON.parse(r.body) as { text: string }).text.match(/\[(INC-\d+)\]/)?.[1] ?? ''),
  );
}
