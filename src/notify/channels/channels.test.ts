import { afterEach, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../testing/http-receiver.js';
import { sampleIncident, sampleMessage } from '../testing/fixtures.js';
import { startSmtpReceiver, type SmtpReceiver } from '../testing/smtp-receiver.js';
import { checkPagerDutyRequest, checkSlackRequest, deliveryIdOf } from '../testing/wire-checks.js';
import { emailChannel } from './email.js';
import { pagerDutyChannel, pagerDutySeverity } from './pagerduty.js';
import { parseRetryAfter } from './post-json.js';
import { slackChannel } from './slack.js';
import { verifyWebhookSignature, webhookChannel, signWebhook } from './webhook.js';

const NOW = new Date('2026-01-05T10:00:00.000Z');
const now = (): Date => NOW;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdef012345';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function receiver(options: Parameters<typeof startHttpReceiver>[0] = {}): Promise<HttpReceiver> {
  const r = await startHttpReceiver(options);
  cleanups.push(() => r.close());
  return r;
}

describe('Slack incoming webhook', () => {
  it('posts Block Kit within Slack limits with a text fallback, even for huge titles and scopes', async () => {
    const slack = await receiver({ check: checkSlackRequest });
    const env = { SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXXSECRET` };
    const incident = sampleIncident({
      title: 'x'.repeat(400),
      scope: {
        tenants: Array.from({ length: 500 }, (_, i) => `tenant-${i}`),
        events: [],
        ips: [],
        tokenPreviews: [],
        tokens: [],
      },
    });
    const channel = slackChannel({ env, now, timeoutMs: 2000 });
    const message = sampleMessage({ text: `<b>&${'y'.repeat(5000)}` }, incident);
    const result = await channel.send(message, { type: 'slack', webhook_env: 'SLACK_WEBHOOK_URL' });
    expect(result).toEqual({ outcome: 'delivered' });
    expect(slack.accepted()).toHaveLength(1);
    const request = slack.requests[0]!;
    expect(request.path).toBe('/services/T000/B000/XXXXSECRET');
    const body = JSON.parse(request.body) as {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    };
    expect(body.blocks[0]?.type).toBe('header');
    expect([...body.blocks[0]!.text!.text].length).toBe(150);
    const fields = body.blocks[1]!.fields!.map((f) => f.text);
    expect(fields).toContain('*Severity*\nSEV-2');
    expect(fields).toContain('*Status*\ntriggered');
    expect(body.blocks[2]!.text!.text.startsWith('&lt;b&gt;&amp;')).toBe(true);
    expect(body.blocks[3]!.text!.text).toContain('(500 in all)');
    expect(body.blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(JSON.stringify(body.blocks.at(-1))).toContain(
      '<https://rampart.example/incidents/INC-7|INC-7 in Rampart>',
    );
    // The delivery id a reader of the channel dedupes on: in Slack's message metadata and in the header.
    expect(JSON.parse(request.body)).toMatchObject({
      metadata: {
        event_type: 'rampart_incident_opened',
        event_payload: { delivery_id: message.deliveryId, incident_id: 'INC-7', severity: 'SEV-2' },
      },
    });
    expect(request.headers['x-rampart-delivery']).toBe(message.deliveryId);
    expect(deliveryIdOf(request)).toBe(message.deliveryId);
  });

  it("refuses metadata outside Slack's format at the local receiver", () => {
    const post = (metadata: unknown) => ({
      method: 'POST',
      path: '/services/T/B/X',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 't', blocks: [], metadata }),
    });
    expect(checkSlackRequest(post({ event_type: 'ok_1', event_payload: { a: 'b', n: 1 } }))).toBeUndefined();
    expect(checkSlackRequest(post({ event_type: 'has space', event_payload: {} }))).toBe(
      'invalid_metadata: event_type',
    );
    expect(checkSlackRequest(post({ event_type: 'x', event_payload: { deep: { a: { b: 1 } } } }))).toBe(
      'invalid_metadata: event_payload value',
    );
    expect(checkSlackRequest(post({ event_type: 'x' }))).toBe('invalid_metadata: event_payload');
  });

  it('fails on a 4xx (a revoked webhook), retries on 5xx, and never puts the URL in a reason', async () => {
    const slack = await receiver();
    const env = { SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXXSECRET` };
    const channel = slackChannel({ env, now, timeoutMs: 2000 });
    slack.script({ status: 404, body: 'no_service' }, { status: 503, body: 'down' });
    const first = await channel.send(sampleMessage(), { type: 'slack', webhook_env: 'SLACK_WEBHOOK_URL' });
    expect(first).toEqual({ outcome: 'failed', reason: 'HTTP 404 no_service' });
    const second = await channel.send(sampleMessage(), { type: 'slack', webhook_env: 'SLACK_WEBHOOK_URL' });
    expect(second).toEqual({ outcome: 'retry', reason: 'HTTP 503 down' });
    await slack.close();
    const third = await channel.send(sampleMessage(), { type: 'slack', webhook_env: 'SLACK_WEBHOOK_URL' });
    expect(third.outcome).toBe('retry');
    expect(JSON.stringify(third)).not.toContain('XXXXSECRET');
    const unset = await slackChannel({ env: {}, now, timeoutMs: 2000 }).send(sampleMessage(), {
      type: 'slack',
      webhook_env: 'SLACK_WEBHOOK_URL',
    });
    expect(unset).toEqual({ outcome: 'failed', reason: 'environment variable SLACK_WEBHOOK_URL is not set' });
  });

  it('honours 429 with Retry-After in seconds or as a date', async () => {
    const slack = await receiver();
    const channel = slackChannel({ env: { S: `${slack.url}/hook` }, now, timeoutMs: 2000 });
    slack.script({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' });
    expect(await channel.send(sampleMessage(), { type: 'slack', webhook_env: 'S' })).toEqual({
      outcome: 'retry',
      reason: 'HTTP 429 rate_limited',
      afterMs: 30_000,
    });
    expect(parseRetryAfter(new Date(NOW.getTime() + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});

describe('PagerDuty Events API v2', () => {
  it('triggers, acknowledges and resolves one alert with the same dedup key', async () => {
    const pd = await receiver({
      check: checkPagerDutyRequest,
      fallback: { status: 202, body: '{"status":"success","message":"Event processed"}' },
    });
    const channel = pagerDutyChannel({
      env: { PD_KEY: ROUTING_KEY },
      now,
      timeoutMs: 2000,
      eventsUrl: `${pd.url}/v2/enqueue`,
    });
    const target = { type: 'pagerduty' as const, routing_key_env: 'PD_KEY' };
    for (const action of ['trigger', 'acknowledge', 'resolve'] as const) {
      const result = await channel.send(sampleMessage({ pagerduty: { action, severity: 'error' } }), target);
      expect(result).toEqual({ outcome: 'delivered' });
    }
    const bodies = pd.accepted().map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(bodies.map((b) => b.dedup_key))).toEqual(new Set(['rampart-INC-7']));
    expect(bodies[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: {
        summary: '[SEV-2] fotospiel: Join-token brute force from 203.0.113.0/24',
        source: 'fotospiel',
        severity: 'error',
        custom_details: { incident: 'INC-7', scope: { tenants: ['acme'], ips: ['203.0.113.7'] } },
      },
    });
    expect(bodies[1]).not.toHaveProperty('payload');
    // PagerDuty folds repeats by dedup_key; the delivery id rides in custom_details and the header.
    const sent = sampleMessage();
    expect(bodies[0]).toMatchObject({ payload: { custom_details: { delivery_id: sent.deliveryId } } });
    expect(pd.accepted().map(deliveryIdOf)).toEqual([sent.deliveryId, sent.deliveryId, sent.deliveryId]);
  });

  it('maps the scale rank to PagerDuty severities, and a 400 is final', async () => {
    expect([0, 1, 2, 3, 4].map(pagerDutySeverity)).toEqual([
      'critical',
      'critical',
      'error',
      'warning',
      'info',
    ]);
    const pd = await receiver({ check: checkPagerDutyRequest });
    const channel = pagerDutyChannel({
      env: { PD_KEY: 'short' },
      now,
      timeoutMs: 2000,
      eventsUrl: `${pd.url}/v2/enqueue`,
    });
    const result = await channel.send(sampleMessage(), { type: 'pagerduty', routing_key_env: 'PD_KEY' });
    expect(result).toEqual({ outcome: 'failed', reason: 'HTTP 400 routing_key must be 32 characters' });
  });
});

describe('signed webhook', () => {
  it('signs timestamp and body so the receiver verifies it and rejects replays and tampering', async () => {
    const secret = 'whsec-0123456789';
    const hook = await receiver();
    const channel = webhookChannel({
      env: { HOOK_URL: `${hook.url}/rampart`, HOOK_SECRET: secret },
      now,
      timeoutMs: 2000,
    });
    const result = await channel.send(sampleMessage(), {
      type: 'webhook',
      url_env: 'HOOK_URL',
      secret_env: 'HOOK_SECRET',
    });
    expect(result).toEqual({ outcome: 'delivered' });
    const request = hook.requests[0]!;
    const timestamp = request.headers['x-rampart-timestamp'] as string;
    const signature = request.headers['x-rampart-signature'] as string;
    expect(timestamp).toBe(String(NOW.getTime() / 1000));
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(request.headers['x-rampart-delivery']).toBe('INC-7:opened:on-call:0-slack');
    expect(JSON.parse(request.body)).toMatchObject({
      type: 'rampart.notification',
      event: 'opened',
      incident: { id: 'INC-7' },
    });
    const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>): boolean =>
      verifyWebhookSignature({ secret, body: request.body, timestamp, signature, now: NOW, ...over });
    expect(verify({})).toBe(true);
    expect(verify({ now: new Date(NOW.getTime() + 4 * 60_000) })).toBe(true);
    expect(verify({ now: new Date(NOW.getTime() + 6 * 60_000) })).toBe(false);
    expect(verify({ body: request.body.replace('SEV-2', 'SEV-3') })).toBe(false);
    expect(verify({ secret: 'other' })).toBe(false);
    // A captured body re-sent with a fresh timestamp does not match the signature made for the old one.
    expect(verify({ timestamp: String(NOW.getTime() / 1000 + 60) })).toBe(false);
    expect(verify({ signature: undefined })).toBe(false);
    expect(signWebhook(secret, timestamp, request.body)).toBe(signature);
  });
});

describe('e-mail over SMTP', () => {
  let smtp: SmtpReceiver;

  it('logs in and delivers MAIL FROM, RCPT TO, subject and body to a real SMTP server', async () => {
    smtp = await startSmtpReceiver({ user: 'rampart', pass: 'smtp-p@ss-secret' });
    cleanups.push(() => smtp.close());
    const tenants = {
      get: (id: string) => (id === 'acme' ? { email: 'ops@acme.example', name: 'ACME Events' } : undefined),
    };
    const channel = emailChannel({ env: { SMTP_URL: smtp.url }, tenants, timeoutMs: 5000 });
    cleanups.push(() => channel.close!());
    const message = sampleMessage({
      subject: 'Public gallery disruption',
      body: 'Hello ACME Events,\n\nthe gallery was slow.',
    });
    const target = {
      type: 'email' as const,
      to: 'tenants' as const,
      smtp_env: 'SMTP_URL',
      from: 'status@fotospiel.example',
      tenant: 'acme',
    };
    expect(await channel.send(message, target)).toEqual({ outcome: 'delivered' });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.mailFrom).toBe('status@fotospiel.example');
    expect(mail.rcptTo).toEqual(['ops@acme.example']);
    expect(mail.header('subject')).toBe('Public gallery disruption');
    expect(mail.header('x-rampart-incident')).toBe('INC-7');
    expect(mail.text).toContain('Hello ACME Events,');
    expect(mail.text).toContain('the gallery was slow.');

    const unknown = await channel.send(message, { ...target, tenant: 'globex' });
    expect(unknown).toEqual({ outcome: 'failed', reason: 'no contact address for tenant globex' });
    smtp.rejectNextRecipients(451, 1);
    const later = await channel.send(message, target);
    expect(later.outcome).toBe('retry');
    smtp.rejectNextRecipients(550, 1);
    expect((await channel.send(message, target)).outcome).toBe('failed');
    const wrong = emailChannel({
      env: { SMTP_URL: smtp.url.replace('smtp-p%40ss-secret', 'nope') },
      tenants,
      timeoutMs: 5000,
    });
    cleanups.push(() => wrong.close!());
    const refused = await wrong.send(message, target);
    expect(refused.outcome).toBe('failed');
    expect(JSON.stringify([unknown, later, refused])).not.toContain('smtp-p');
  });
});
