import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mitigation } from '../../../src/domain/mitigation.js';
import { ManualClock } from '../../../src/shared/clock.js';
import {
  BOOKING,
  bookingMonitorsGreen,
  bookings,
  DEMO_PASSWORD,
  login,
} from '../../support/booking-story.js';
import { startStoryApp, type StoryApp } from '../../support/story-app.js';
import { sendMany, Story, summary, xff } from '../../support/story.js';
import { waitFor } from '../../support/workspace.js';

/**
 * Issue 6: the 6FB playbook's incident types that a detection rule sees, each driven through the gateway by
 * attack traffic or a misbehaving booking stand-in, then followed from the outside (API, CLI, receivers) to a
 * resolution with the post-mortem due in 72 h. One app on one ManualClock from Monday 09:00 UTC, inside the
 * playbook's business hours (P2 messages wait for them); each story has its own addresses.
 */
const MIN = 60_000;

describe('6FB (booking-api): incident types a rule detects, end to end', () => {
  let s: StoryApp;
  beforeAll(async () => {
    s = await startStoryApp(new ManualClock('2026-11-23T09:00:00.000Z'));
    // An ordinary morning: one client logs in once too often (one 429). The ddos rule has no group_by, so it
    // learns the service's normal for an hour before it may fire; this is that hour's first rate-limited event.
    await sendMany(11, 1, () =>
      fetch(`${s.booking}/auth/login`, {
        method: 'POST',
        headers: { ...xff('100.64.50.1'), 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'barber@6fb.test', password: DEMO_PASSWORD }),
      }),
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Detected: severity and type, evidence with its hash, and who was told (P0/P1 page; P2 goes to Slack). */
  async function detected(story: Story, rule: string, expected: { severity: string; type: string }) {
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened, scope ${i.scope.ips.length} address(es)`,
      () => story.incident('booking-api', story.byRule(rule)),
    );
    expect(incident).toMatchObject(expected);
    const view = await story.step('15-minute evidence snapshot on the timeline', () =>
      story.view(incident.id),
    );
    const evidence = view.timeline.find((e) => e.kind === 'evidence');
    expect(evidence?.data.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(String(evidence?.data.to)) - Date.parse(String(evidence?.data.from))).toBe(15 * MIN);
    await story.step('Slack #booking-incidents told', () => story.delivered('/slack', incident));
    if (expected.severity === 'P2') expect(story.messages('/pagerduty', incident)).toEqual([]);
    else await story.step('PagerDuty paged', () => story.delivered('/pagerduty', incident));
    return view;
  }

  const cli = async (args: string[]) => {
    const run = await s.cli(args);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    return run;
  };
  const finish = async (story: Story, id: string, ip: string) => {
    await bookingMonitorsGreen(story, ip);
    await story.resolve(id, BOOKING.postmortemHours, BOOKING.sections);
  };

  it('credential-stuffing: failed logins from one address → P1, the address blocked', async () => {
    s.clock.advance(MIN);
    const story = new Story(s, 'credential-stuffing (detected: credential-stuffing-ip over gateway traffic)');
    const statuses = await story.step(
      (st: number[]) => `22 failed logins from 198.51.100.66 (${summary(st)})`,
      () =>
        sendMany(22, 1, () =>
          fetch(`${s.booking}/auth/login`, {
            method: 'POST',
            headers: { ...xff('198.51.100.66'), 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'barber@6fb.test', password: 'guess' }),
          }),
        ),
    );
    expect(statuses.slice(0, 10).every((x) => x === 401)).toBe(true);
    const view = await detected(story, 'credential-stuffing-ip', {
      severity: 'P1',
      type: 'credential-stuffing',
    });
    expect(view.incident.scope.ips).toContain('198.51.100.66');
    expect(view.mitigations).toMatchObject([{ kind: 'block', target: '198.51.100.66', author: 'detector' }]);
    await story.step('block enforced: 403 for the address, others reach the app', async () => {
      expect((await bookings(s, '198.51.100.66')).status).toBe(403);
      expect((await bookings(s, '198.51.100.67')).status).toBe(401);
    });
    await story.refused(view.incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('rule clear (clock moved 12 min)', () =>
      story.clearAndWait(view.incident.id, 'credential-stuffing-ip', 11 * MIN, 0),
    );
    await story.step('block lifted (rampart unblock); the address gets through again', async () => {
      await cli(['unblock', '198.51.100.66', '--service', 'booking-api', '--reason', 'stuffing stopped']);
      return waitFor(async () => (await bookings(s, '198.51.100.66')).status === 401, 10_000);
    });
    s.clock.advance(16 * MIN);
    await finish(story, view.incident.id, '100.64.99.1');
    await story.step('PagerDuty incident resolved', () =>
      waitFor(() =>
        Promise.resolve(
          story
            .messages('/pagerduty', view.incident)
            .some((m) => JSON.stringify(m.body).includes('"resolve"')),
        ),
      ),
    );
  });

  it('rate-limiting-bypass: 50 addresses of one /24 under the per-IP limit → P1, per-prefix limit tightened', async () => {
    s.clock.advance(MIN);
    const story = new Story(s, 'rate-limiting-bypass (detected: rate-limit-bypass over gateway traffic)');
    const jwt = await login(s, 'loadtest@6fb.test', '198.18.7.1');
    const statuses = await story.step(
      (st: number[]) => `250 GET /bookings from 50 addresses of 198.18.7.0/24 (${summary(st)})`,
      () => sendMany(250, 20, (i) => bookings(s, `198.18.7.${(i % 50) + 10}`, jwt)),
    );
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(200);
    const view = await detected(story, 'rate-limit-bypass', { severity: 'P1', type: 'rate-limiting-bypass' });
    expect(view.incident.scope.ips.filter((ip) => !ip.startsWith('198.18.7.'))).toEqual([]);
    expect(view.mitigations).toMatchObject([
      { kind: 'limit-override', target: 'per-prefix', data: { limit: 200 } },
    ]);
    let limited: Response | undefined;
    await story.step('per-prefix limit enforced: a new address of the /24 gets 429', () =>
      waitFor(async () => (limited = await bookings(s, '198.18.7.222', jwt)).status === 429, 10_000),
    );
    if (!limited) throw new Error('no answer');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    await story.refused(view.incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('rule clear (clock moved 16 min)', () =>
      story.clearAndWait(view.incident.id, 'rate-limit-bypass', 15 * MIN, 0),
    );
    await story.step(
      (n: number) => `${n} override(s) lifted (rampart lift); the /24 is served again`,
      async () => {
        const { mitigations } = await s.api.ok<{ mitigations: Mitigation[] }>(
          'GET',
          '/v1/mitigations?service=booking-api',
        );
        const mine = mitigations.filter((m) => m.incidentId === view.incident.id);
        for (const m of mine) await cli(['lift', m.id, '--reason', 'flood over']);
        const fresh = await login(s, 'loadtest@6fb.test', '198.18.7.223'); // the access token lives 15 min
        await waitFor(async () => (await bookings(s, '198.18.7.223', fresh)).status === 200, 10_000);
        return mine.length;
      },
    );
    s.clock.advance(16 * MIN);
    await finish(story, view.incident.id, '100.64.99.2');
  });

  it('unauthorized-access: one session from 12 addresses → P1, held for a responder, the subject revoked', async () => {
    s.clock.advance(MIN);
    const story = new Story(
      s,
      'unauthorized-access (detected: session-sharing; revoke-subject held, applied by a responder)',
    );
    const stolen = await login(s, 'frontdesk@6fb.test', '100.64.2.1');
    const statuses = await story.step(
      (st: number[]) => `frontdesk's token used from 12 addresses (${summary(st)})`,
      () => sendMany(12, 4, (i) => bookings(s, `100.64.2.${i + 1}`, stolen)),
    );
    expect(statuses.every((x) => x === 200)).toBe(true);
    const view = await detected(story, 'session-sharing', { severity: 'P1', type: 'unauthorized-access' });
    expect(view.mitigations).toEqual([]);
    await story.step('revoke subject (rampart revoke subject): the stolen token gets 401', async () => {
      await cli([
        'revoke',
        'subject',
        'frontdesk@6fb.test',
        '--service',
        'booking-api',
        '--incident',
        view.incident.id,
        '--reason',
        'session shared widely',
      ]);
      return waitFor(async () => (await bookings(s, '100.64.2.1', stolen)).status === 401, 10_000);
    });
    s.clock.advance(1000);
    await story.step('a fresh login of the account works', async () => {
      expect(
        (await bookings(s, '100.64.2.50', await login(s, 'frontdesk@6fb.test', '100.64.2.50'))).status,
      ).toBe(200);
    });
    await story.refused(view.incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('rule clear, then quiet 15 min (clock moved 37 min)', () =>
      story.clearAndWait(view.incident.id, 'session-sharing', 20 * MIN, 15 * MIN),
    );
    await finish(story, view.incident.id, '100.64.99.4');
  });

  it('booking-outage: the app answers 500 → P0, restarted by a responder', async () => {
    s.clock.advance(MIN);
    const story = new Story(
      s,
      'booking-outage (detected: booking-down over gateway traffic; manual restart)',
    );
    await s.control.booking.misbehave('errors');
    const statuses = await story.step(
      (st: number[]) => `the database connection fails: 25 GET /bookings (${summary(st)})`,
      () => sendMany(25, 5, (i) => bookings(s, `198.18.9.${(i % 5) + 1}`)),
    );
    expect(statuses.every((x) => x === 500)).toBe(true);
    const view = await detected(story, 'booking-down', { severity: 'P0', type: 'booking-outage' });
    expect(view.mitigations).toEqual([]);
    await story.step('restarted (stand-in healed) and marked mitigated (POST …/mitigated)', async () => {
      await s.control.booking.misbehave('none');
      expect((await bookings(s, '198.18.9.1')).status).toBe(401);
      s.clock.advance(1000);
      return s.api.ok('POST', `/v1/incidents/${view.incident.id}/mitigated`, { note: 'uvicorn restarted' });
    });
    await story.refused(view.incident.id, [BOOKING.flow, BOOKING.baseline]);
    // The error log's database-connection rule and the gateway's booking-down and booking-errors (all
    // booking-outage, one incident) must all be clear; booking-errors' 5-minute window and 10-minute quiet period
    // make it the last, 15 minutes after the last error.
    await story.step(
      (rules: string[]) => `${rules.join(', ')} clear, then quiet 15 min (clock moved 33 min)`,
      () => story.clearAllAndWait(view.incident.id, 16 * MIN, 15 * MIN),
    );
    await finish(story, view.incident.id, '100.64.99.5');
  });

  it('performance-degradation: slow bookings → P2, per-IP limit tightened to 50 for 30 min', async () => {
    s.clock.advance(MIN);
    const story = new Story(
      s,
      'performance-degradation (detected: booking-latency; throttle applied by a responder)',
    );
    const jwt = await login(s, 'loadtest@6fb.test', '198.18.10.1');
    await s.control.booking.misbehave('slow', 1600);
    await story.step('the app slows to 1.6 s: 20 GET /bookings at once', () =>
      sendMany(20, 20, (i) => bookings(s, `198.18.10.${i + 1}`, jwt)),
    );
    const view = await detected(story, 'booking-latency', {
      severity: 'P2',
      type: 'performance-degradation',
    });
    await story.step(
      'per-IP limit tightened to 50 (rampart limit tighten): the 51st request gets 429',
      async () => {
        await cli([
          'limit',
          'tighten',
          'per-ip',
          '--to',
          '50',
          '--for',
          '30m',
          '--service',
          'booking-api',
          '--incident',
          view.incident.id,
          '--reason',
          'shed load',
        ]);
        await s.control.booking.misbehave('none');
        await waitFor(
          async () => (await bookings(s, '198.18.10.100')).headers.get('x-ratelimit-limit') === '50',
          10_000,
        );
        const st = await sendMany(60, 10, () => bookings(s, '198.18.10.101'));
        expect(st.filter((x) => x === 429).length).toBe(10);
      },
    );
    await story.refused(view.incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('rule clear (clock moved 16 min)', () =>
      story.clearAndWait(view.incident.id, 'booking-latency', 15 * MIN, 0),
    );
    await story.step('throttle lifted (rampart lift)', async () => {
      const { mitigations } = await s.api.ok<{ mitigations: Mitigation[] }>(
        'GET',
        '/v1/mitigations?service=booking-api',
      );
      const throttle = mitigations.find((m) => m.incidentId === view.incident.id);
      await cli(['lift', throttle?.id ?? '?', '--reason', 'latency back to normal']);
    });
    s.clock.advance(16 * MIN);
    await finish(story, view.incident.id, '100.64.99.6');
  });
  it('ddos (last: its rule learns for an hour first): one address past its limit → P2 in business hours, its /24 blocked by a responder', async () => {
    s.clock.advance(MIN);
    const story = new Story(s, 'ddos (detected: rate-limit-triggers; block applied by a responder)');
    const statuses = await story.step(
      (st: number[]) => `160 requests from 192.0.2.10 (${summary(st)})`,
      () => sendMany(160, 10, () => bookings(s, '192.0.2.10')),
    );
    expect(statuses.filter((x) => x === 429).length).toBe(60);
    const view = await detected(story, 'rate-limit-triggers', { severity: 'P2', type: 'ddos' });
    expect(view.incident.scope.ips).toContain('192.0.2.10');
    expect(view.mitigations).toEqual([]);
    await story.step('block 192.0.2.0/24 for 1h (rampart block): 403 at the gateway', async () => {
      await cli([
        'block',
        '192.0.2.0/24',
        '--for',
        '1h',
        '--service',
        'booking-api',
        '--incident',
        view.incident.id,
        '--reason',
        'DDoS source network',
      ]);
      return waitFor(async () => (await bookings(s, '192.0.2.11')).status === 403, 10_000);
    });
    await story.refused(view.incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('rule clear (clock moved 16 min)', () =>
      story.clearAndWait(view.incident.id, 'rate-limit-triggers', 15 * MIN, 0),
    );
    await story.step('block lifted (rampart unblock)', async () => {
      await cli(['unblock', '192.0.2.0/24', '--service', 'booking-api', '--reason', 'attack over']);
      return waitFor(async () => (await bookings(s, '192.0.2.11')).status === 401, 10_000);
    });
    s.clock.advance(16 * MIN);
    await finish(story, view.incident.id, '100.64.99.3');
  });
});
