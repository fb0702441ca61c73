import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openIncident } from '../desk/index.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { sqliteEngine, type EngineTarget } from '../store/testing/contract-engines.js';
import { capturedLogger, deskWithNotifier, fotospielPlaybook } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';
import { checkSlackRequest } from './testing/wire-checks.js';

/**
 * Issue 11: the checklist's `automatic: notify` step ("Escalate SEV-1/2 to on-call") is settled by what the
 * outbox did with the escalation — not left pending after the page went out.
 */
describe('the notify step follows the outbox', () => {
  let target: EngineTarget;
  let store: Store;
  let slack: HttpReceiver;
  let seed: Playbook;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    slack = await startHttpReceiver({ check: checkSlackRequest });
    seed = await fotospielPlaybook();
  });
  beforeEach(async () => {
    target = await sqliteEngine.create();
    store = await openStore(target.url, { cwd: target.cwd });
  });
  afterEach(async () => {
    while (stops.length > 0) await stops.pop()?.();
    slack.reset();
    await store.close();
    await target.drop();
  });
  afterAll(() => slack.close());

  function setup(playbook: Playbook, env: Record<string, string>) {
    const clock = new ManualClock('2026-01-05T10:00:00.000Z');
    const wired = deskWithNotifier({ store, clock, playbook, env, logger: capturedLogger().logger });
    stops.push(() => wired.notifier.stop());
    return { ...wired, clock };
  }
  const step = async (id: string) => (await store.checklist.list(id)).find((s) => s.automatic === 'notify');
  const onlyOnCall = (): Playbook => ({
    ...seed,
    comms: { ...seed.comms, audiences: seed.comms.audiences.filter((a) => a.name === 'on-call') },
  });

  it('is done by the page that got through, though another channel failed; the severity step is done at open', async () => {
    // PagerDuty's routing key is missing: its message fails at once; Slack is delivered after it.
    const { notifier, ctx, clock } = setup(onlyOnCall(), {
      SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/x`,
    });
    const incident = await openIncident({
      ctx: ctx('detector'),
      input: { service: 'guest-api', title: 'Join-token enumeration', severity: 'SEV-2' },
    });
    expect((await store.checklist.list(incident.id)).find((s) => s.automatic === 'severity')).toMatchObject({
      status: 'done',
      note: 'SEV-2, named by detector',
    });
    expect(await step(incident.id)).toMatchObject({ status: 'pending' });
    await notifier.dispatchDue(clock.now());
    const settled = await step(incident.id);
    expect(settled?.status).toBe('done');
    expect(settled?.note).toMatch(/^Slack \(on-call\) delivered/);
    const entries = (await store.timeline.list(incident.id)).filter((e) => e.kind === 'checklist');
    expect(entries.map((e) => e.data.outcome)).toContain('done');
  });

  it('waits for a person when every escalation message needs approval, and is skipped when no audience is told', async () => {
    const base = onlyOnCall();
    const held: Playbook = {
      ...base,
      comms: {
        ...base.comms,
        audiences: base.comms.audiences.map((a) => ({ ...a, requires_approval: true })),
      },
    };
    const { ctx } = setup(held, { SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/x` });
    const incident = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Gallery down', severity: 'SEV-1' },
    });
    expect(await step(incident.id)).toMatchObject({ status: 'pending' });
    expect((await step(incident.id))?.note).toMatch(
      /^waiting for approval: slack to on-call, pagerduty to on-call/,
    );

    // SEV-3: the on-call audience covers SEV-1/2 only, so nobody is told and the step says so.
    const minor = await openIncident({
      ctx: ctx('cli:alice'),
      input: { service: 'guest-api', title: 'Cosmetic glitch', severity: 'SEV-3' },
    });
    expect(await step(minor.id)).toMatchObject({ status: 'skipped' });
  });
});
