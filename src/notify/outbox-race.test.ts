import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openIncident } from '../desk/index.js';
import type { Playbook } from '../playbook/index.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { postgresEngine, type EngineTarget } from '../store/testing/contract-engines.js';
import type { Notifier } from './notifier.js';
import { deskWithNotifier, fotospielPlaybook } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/http-receiver.js';
import { checkSlackRequest, deliveryIdOf } from './testing/wire-checks.js';

const run = promisify(execFile);
const crashScript = fileURLToPath(new URL('./testing/crash-after-change.ts', import.meta.url));
const silent = createLogger({ level: 'silent' });
const SLOW_MS = 9_000;

/** Polls until `probe` holds or the deadline passes; false then (the assertions after it say what is wrong). */
async function waitUntil(probe: () => Promise<boolean>, deadlineMs: number): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (await probe()) return true;
    await new Promise((done) => setTimeout(done, 250));
  }
  return false;
}

/**
 * Two desk processes' dispatchers on one PostgreSQL schema, real time, and a Slack that takes 9 s to answer.
 * The outbox's promise: every message is delivered exactly once while the dispatchers live, and a crash right
 * after a desk change cannot lose the message it causes.
 */
describe('the outbox with two dispatchers and a slow Slack on PostgreSQL', () => {
  let target: EngineTarget;
  let stores: Store[] = [];
  let slack: HttpReceiver;
  let playbook: Playbook;
  let env: Record<string, string>;
  const notifiers: Notifier[] = [];

  beforeAll(async () => {
    target = await postgresEngine().create();
    stores = [
      await openStore(target.url, { cwd: target.cwd }),
      await openStore(target.url, { cwd: target.cwd }),
    ];
    slack = await startHttpReceiver({ check: checkSlackRequest, delayMs: SLOW_MS });
    playbook = await fotospielPlaybook();
    env = {
      SLACK_WEBHOOK_URL: `${slack.url}/services/T1/B1/oncall`,
      SLACK_SUPPORT_WEBHOOK_URL: `${slack.url}/services/T1/B2/support`,
    };
  });
  afterAll(async () => {
    for (const n of notifiers) await n.stop();
    await slack?.close();
    for (const s of stores) await s.close();
    await target?.drop();
  });

  afterEach(async () => {
    while (notifiers.length > 0) await notifiers.pop()?.stop();
  });

  it('delivers every message exactly once although each send outlasts the lease', async () => {
    // A 3 s lease against a 9 s receiver: only a lease renewed while the receiver is waited on keeps the
    // other dispatcher from taking the message over and sending it again.
    const desks = stores.map((store) =>
      deskWithNotifier({
        store,
        clock: systemClock,
        playbook,
        env,
        logger: silent,
        leaseMs: 3_000,
        httpTimeoutMs: 30_000,
        dispatchIntervalMs: 200,
      }),
    );
    for (const d of desks) {
      notifiers.push(d.notifier);
      d.notifier.start();
    }
    // SEV-3: on-call (minor) and support each get a Slack message, 8 messages in all, opened on both desks.
    const incidents = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        openIncident({
          ctx: desks[i % 2]!.ctx('cli:alice'),
          input: { service: 'guest-api', title: `Slow Slack ${i}`, severity: 'SEV-3' },
        }),
      ),
    );
    const ours = async () =>
      (await stores[0]!.outbox.list({ limit: 1000 })).filter((m) =>
        incidents.some((i) => i.id === m.incidentId),
      );
    const allDelivered = await waitUntil(
      async () => (await ours()).filter((m) => m.status === 'delivered').length === 8,
      120_000,
    );
    // Let a dispatcher that lost its lease finish its late duplicate, if there is one, before counting.
    await new Promise((done) => setTimeout(done, SLOW_MS + 1_000));

    // What Slack received, per message: its channel (the webhook path) and the incident its text names.
    const messages = await ours();
    const received = new Map<string, number>();
    for (const r of slack.requests) {
      const incident = /INC-\d+/.exec(r.body)?.[0] ?? 'none';
      const key = `${incident} ${r.path.endsWith('/support') ? 'support' : 'on-call-minor'}`;
      received.set(key, (received.get(key) ?? 0) + 1);
    }
    const keyOf = (m: { incidentId: string | null; audience: string }) => `${m.incidentId} ${m.audience}`;
    expect(Object.fromEntries(messages.map((m) => [keyOf(m), received.get(keyOf(m)) ?? 0]))).toEqual(
      Object.fromEntries(messages.map((m) => [keyOf(m), 1])),
    );
    expect(allDelivered).toBe(true);
    // Each carried its delivery id, the outbox's dedup key, for a receiver that dedupes.
    expect(slack.requests.map(deliveryIdOf).sort()).toEqual(messages.map((m) => m.dedupKey).sort());
    expect(messages.map((m) => m.attempts)).toEqual(messages.map(() => 1));
    for (const incident of incidents) {
      const delivered = (await stores[0]!.timeline.list(incident.id)).filter(
        (e) => e.kind === 'notification' && e.data.status === 'delivered',
      );
      expect(delivered).toHaveLength(2);
    }
  }, 240_000);

  it('keeps the page of a change whose process crashed right after committing it', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', crashScript, target.url], {
      timeout: 60_000,
    });
    const id = stdout.trim();
    expect(id).toMatch(/^INC-\d+$/);
    const incident = await stores[0]!.incidents.get(id);
    expect(incident).toMatchObject({ title: 'Opened just before the crash', severity: 'SEV-2' });
    // SEV-2 on the seed playbook: Slack and PagerDuty for on-call, Slack for support.
    const queued = await stores[0]!.outbox.list({ incidentId: id });
    expect(queued.map((m) => `${m.audience}/${m.channel}/${m.status}`).sort()).toEqual([
      'on-call/pagerduty/pending',
      'on-call/slack/pending',
      'support/slack/pending',
    ]);
  }, 90_000);
});
