import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/shared/logger.js';
import { startReceiver } from '../support/receiver.js';
import { StoryApi } from '../support/story-app.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';

/**
 * `rampart up` notes a block that runs out: within seconds of its expiry the incident's timeline says so and an
 * automation webhook that routes `mitigation_lifted` (written before `mitigation_expired` existed) gets one
 * `mitigation_expired` message. Real app, real HTTP receiver on loopback, real time.
 */
describe('rampart up announces a mitigation that expires', () => {
  let ws: Workspace;
  let app: RunningApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** The admin API as the admin key calls it: a 4xx/5xx fails the test, naming the call. */
  let api: StoryApi;

  beforeAll(async () => {
    ws = await createWorkspace();
    const file = join(ws.cwd, 'playbooks', 'fotospiel-public-api.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '  audiences:\n',
        '  audiences:\n' +
          '    - name: automation\n' +
          '      channels:\n' +
          '        - { type: webhook, url_env: AUTOMATION_WEBHOOK_URL }\n' +
          '      when: { events: [mitigation_applied, mitigation_lifted] }\n',
      ),
    );
    receiver = await startReceiver();
    const env = { AUTOMATION_WEBHOOK_URL: `${receiver.url}/automation` };
    app = await startApp({
      config: readConfig(env),
      cwd: ws.cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env,
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
    api = new StoryApi(app.apiUrl, readFileSync(join(ws.cwd, '.rampart', 'admin.key'), 'utf8').trim());
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await ws?.close();
  });

  const events = () =>
    receiver.received
      .filter((r) => r.path === '/automation')
      .map((r) => r.body as { event: string; mitigation?: { id: string } });

  it('writes one timeline entry and sends one mitigation_expired webhook', async () => {
    const incident = await api.ok<{ id: string }>('POST', '/v1/incidents', {
      service: 'guest-api',
      title: 'Join-token enumeration',
      severity: 'SEV-3',
    });
    const block = await api.ok<{ id: string }>('POST', '/v1/mitigations', {
      service: 'guest-api',
      kind: 'block',
      target: '203.0.113.0/24',
      reason: 'e2e',
      forMs: 1500,
      incidentId: incident.id,
    });
    await waitFor(() => Promise.resolve(events().some((e) => e.event === 'mitigation_applied')), 5000, 50);
    // Noted within the watch's 5 s interval after the expiry, then sent by the dispatcher.
    await waitFor(() => Promise.resolve(events().some((e) => e.event === 'mitigation_expired')), 12_000, 100);
    await new Promise((r) => setTimeout(r, 1500));
    expect(events().filter((e) => e.event === 'mitigation_expired')).toEqual([
      expect.objectContaining({ mitigation: expect.objectContaining({ id: block.id }) as unknown }),
    ]);
    const view = await api.ok<{ timeline: { summary: string }[] }>('GET', `/v1/incidents/${incident.id}`);
    expect(view.timeline.filter((e) => e.summary.includes('expired after'))).toEqual([
      expect.objectContaining({ summary: 'block 203.0.113.0/24 expired after 2s' }),
    ]);
  }, 30_000);
});
