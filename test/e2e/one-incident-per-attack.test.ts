import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import type { Incident } from '../../src/domain/incident.js';
import { verifyWebhookSignature } from '../../src/notify/channels/webhook.js';
import { createLogger } from '../../src/shared/logger.js';
import { startStandins, type RunningStandins } from '../../src/standins/index.js';
import { startReceiver } from '../support/receiver.js';
import { StoryApi } from '../support/story-app.js';
import { copyPlaybooks, waitFor } from '../support/workspace.js';

const HOOK_SECRET = 'automation-hook-secret-0123';

/**
 * Issue 11, from the outside: one address guessing join tokens is seen by the gateway (token-enumeration,
 * grouped by /24) and by the app's Laravel log (rate-limit-triggers, grouped by address) — one attack, so one
 * incident and one page. Its block reaches a signed webhook as mitigation_applied and, when lifted, as
 * mitigation_lifted, each carrying the mitigation. Real stand-ins, gateway, desk and receivers on loopback.
 */
describe('one incident per attack, and the mitigation on the wire (issue 11)', () => {
  let cwd: string;
  let standins: RunningStandins;
  let app: RunningApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** The admin API as the admin key calls it: a 4xx/5xx fails the test, naming the call. */
  let api: StoryApi;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-one-incident-'));
    standins = await startStandins({ cwd, env: {}, guestPort: 0, bookingPort: 0 });
    copyPlaybooks(cwd, { guest: standins.guestUrl, booking: standins.bookingUrl });
    // The shipped fotospiel playbook plus one audience: an automation webhook that wants the mitigations.
    const file = join(cwd, 'playbooks', 'fotospiel-public-api.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '  audiences:\n',
        '  audiences:\n' +
          '    - name: automation\n' +
          '      channels:\n' +
          '        - { type: webhook, url_env: AUTOMATION_WEBHOOK_URL, secret_env: AUTOMATION_WEBHOOK_SECRET }\n' +
          '      when: { events: [mitigation_applied, mitigation_lifted] }\n',
      ),
    );
    receiver = await startReceiver();
    const env = {
      SLACK_WEBHOOK_URL: `${receiver.url}/slack`,
      SLACK_SUPPORT_WEBHOOK_URL: `${receiver.url}/support`,
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdef012345',
      RAMPART_PAGERDUTY_EVENTS_URL: `${receiver.url}/pagerduty`,
      AUTOMATION_WEBHOOK_URL: `${receiver.url}/automation`,
      AUTOMATION_WEBHOOK_SECRET: HOOK_SECRET,
      BOOKING_JWT_SECRET: standins.bookingJwtSecret,
    };
    app = await startApp({
      config: readConfig(env),
      cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env,
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
    api = new StoryApi(app.apiUrl, readFileSync(join(cwd, '.rampart', 'admin.key'), 'utf8').trim());
  });
  afterAll(async () => {
    await app?.stop();
    await standins?.close();
    await receiver?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  const incidentsFor = async (net: string): Promise<Incident[]> =>
    (
      await api.ok<{ incidents: Incident[] }>('GET', '/v1/incidents?service=guest-api&limit=100')
    ).incidents.filter((i) => i.scope.ips.some((ip) => ip.startsWith(`${net}.`)));
  const bodies = (path: string) =>
    receiver.received.filter((r) => r.path === path).map((r) => r.body as Record<string, unknown>);

  it('opens one incident and pages once for an attack two rules on two sources see; the webhook gets the mitigation applied and lifted', async () => {
    const gateway = app.gateways.find((g) => g.service === 'guest-api')?.url ?? '';
    const net = '203.0.113';
    const attacker = `${net}.9`;
    // The attack: one address (.9) hammers the guest API with guessed join tokens until the app's own limiter
    // answers 429 and logs "token_rate_limited" (the Laravel rule, grouped by address), and 25 more addresses of
    // its /24 guess one token each, which the gateway counts as 20+ different tokens refused from one network
    // (the gateway rule, grouped by prefix). Two rules, two sources, one attack.
    // The rules whose signals are on the attack's incident(s).
    const signalRules = async () => {
      const rules = new Set<string>();
      for (const i of await incidentsFor(net)) {
        const { timeline } = await api.ok<{ timeline: { kind: string; data: { rule?: string } }[] }>(
          'GET',
          `/v1/incidents/${i.id}/timeline`,
        );
        for (const e of timeline) if (e.kind === 'signal' && e.data.rule) rules.add(e.data.rule);
      }
      return rules;
    };
    const guess = async (ip: string, token: string) => {
      const res = await fetch(`${gateway}/api/v1/events/${token}/stats`, {
        headers: { 'x-forwarded-for': ip },
      });
      await res.arrayBuffer();
      expect([403, 404, 429]).toContain(res.status);
    };
    const retried = Array.from({ length: 11 }, () => randomBytes(12).toString('hex'));
    for (let i = 0; i < 22; i++) await guess(attacker, retried[i % 11]!);
    await waitFor(async () => (await signalRules()).has('rate-limit-triggers'), 15_000, 100);
    for (let i = 10; i < 35; i++) await guess(`${net}.${i}`, randomBytes(12).toString('hex'));
    await waitFor(
      async () => {
        const rules = await signalRules();
        return rules.has('token-enumeration') && rules.has('rate-limit-triggers');
      },
      30_000,
      100,
    );
    const incidents = await incidentsFor(net);
    expect(incidents.map((i) => i.type)).toEqual(['brute-force']);
    const incident = incidents[0]!;
    expect(incident.correlationKey).toBe(`type:brute-force:${net}.0/24`);

    // One page: on-call's Slack and PagerDuty each once for the opening (a later mitigation message folds
    // into PagerDuty's open alert under the same dedup key and pages no one).
    await waitFor(
      () => Promise.resolve(bodies('/pagerduty').length > 0 && bodies('/slack').length > 0),
      10_000,
      50,
    );
    await new Promise((done) => setTimeout(done, 1500));
    const opened = (path: string) =>
      bodies(path).filter((b) => JSON.stringify(b).includes(`${incident.id}] SEV-2 opened`));
    expect(opened('/slack')).toHaveLength(1);
    const triggers = bodies('/pagerduty').filter(
      (b) =>
        b.event_action === 'trigger' &&
        (b.payload as { custom_details: { mitigation?: unknown } }).custom_details.mitigation === undefined,
    );
    expect(triggers).toHaveLength(1);

    // The block of the /24 reached the webhook, signed, carrying the mitigation.
    await waitFor(() => Promise.resolve(bodies('/automation').length > 0), 10_000, 50);
    const applied = receiver.received.find((r) => r.path === '/automation')!;
    expect(
      verifyWebhookSignature({
        secret: HOOK_SECRET,
        body: JSON.stringify(applied.body),
        timestamp: applied.headers['x-rampart-timestamp'] as string,
        signature: applied.headers['x-rampart-signature'] as string,
      }),
    ).toBe(true);
    const block = (
      await api.ok<{ mitigations: { id: string; kind: string; target: string }[] }>(
        'GET',
        `/v1/incidents/${incident.id}`,
      )
    ).mitigations.find((m) => m.kind === 'block')!;
    expect(applied.body).toMatchObject({
      event: 'mitigation_applied',
      incident: { id: incident.id },
      mitigation: { id: block.id, kind: 'block', target: `${net}.0/24`, author: 'detector' },
    });
    expect(
      (applied.body as { mitigation: { until: string | null; reason: string } }).mitigation.until,
    ).not.toBeNull();
    expect((applied.body as { mitigation: { reason: string } }).mitigation.reason).toContain(
      'token-enumeration',
    );

    await api.ok('DELETE', `/v1/mitigations/${block.id}?reason=${encodeURIComponent('attack over')}`);
    await waitFor(() => Promise.resolve(bodies('/automation').length > 1), 10_000, 50);
    expect(bodies('/automation')[1]).toMatchObject({
      event: 'mitigation_lifted',
      mitigation: { id: block.id, kind: 'block', target: `${net}.0/24` },
    });
    const lifted = bodies('/automation')[1]?.mitigation as {
      liftedBy: string | null;
      liftedAt: string | null;
    };
    expect(lifted.liftedBy).toMatch(/^api:/);
    expect(lifted.liftedAt).not.toBeNull();
  }, 120_000);
});
