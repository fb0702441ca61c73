import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/shared/logger.js';
import { startReceiver } from '../support/receiver.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';

describe('rampart up pages on-call through the outbox', () => {
  let ws: Workspace;
  let app: RunningApp;
  let slack: Awaited<ReturnType<typeof startReceiver>>;
  let pagerduty: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    ws = await createWorkspace();
    slack = await startReceiver();
    pagerduty = await startReceiver();
    const env = {
      SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX`,
      SLACK_SUPPORT_WEBHOOK_URL: `${slack.url}/services/T000/B111/SUPPORT`,
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdef012345',
      RAMPART_PAGERDUTY_EVENTS_URL: `${pagerduty.url}/v2/enqueue`,
    };
    app = await startApp({
      config: readConfig(env),
      cwd: ws.cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env,
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([slack?.close(), pagerduty?.close(), ws?.close()]);
  });

  it('delivers a Slack Block Kit message and a PagerDuty trigger for a SEV-1 opened through the API, and records both', async () => {
    const key = readFileSync(join(ws.cwd, '.rampart', 'admin.key'), 'utf8').trim();
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const opened = await fetch(`${app.apiUrl}/v1/incidents`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        service: 'guest-api',
        severity: 'SEV-1',
        title: 'Gallery serving the wrong event',
      }),
    });
    const incident = (await opened.json()) as { id: string };
    await waitFor(
      () => Promise.resolve(slack.received.length > 0 && pagerduty.received.length > 0),
      10_000,
      50,
    );
    const message = slack.received.find((r) => r.path.endsWith('/XXXX'))?.body as {
      text: string;
      blocks: { type: string }[];
    };
    expect(message.text).toContain('Gallery serving the wrong event');
    expect(message.blocks[0]?.type).toBe('header');
    expect(pagerduty.received[0]?.body).toMatchObject({
      event_action: 'trigger',
      dedup_key: `rampart-${incident.id}`,
      payload: { severity: 'critical' },
    });

    await waitFor(
      async () => {
        const list = (await (
          await fetch(`${app.apiUrl}/v1/notifications?incident=${incident.id}`, { headers: auth })
        ).json()) as { notifications: { status: string }[] };
        return (
          list.notifications.length >= 2 &&
          list.notifications.every((n) => n.status === 'delivered' || n.status === 'held')
        );
      },
      5000,
      50,
    );
    const timeline = (await (
      await fetch(`${app.apiUrl}/v1/incidents/${incident.id}/timeline`, { headers: auth })
    ).json()) as { timeline: { kind: string }[] };
    expect(timeline.timeline.filter((e) => e.kind === 'notification').length).toBeGreaterThanOrEqual(2);
  });
});
