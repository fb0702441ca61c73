import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/domain/incident.js';
import type { Mitigation } from '../../../src/domain/mitigation.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { BOOKING, bookingMonitorsGreen, bookings, login } from '../../support/booking-story.js';
import { INBOUND_SECRET, startStoryApp, type StoryApp } from '../../support/story-app.js';
import { Story } from '../../support/story.js';
import { waitFor } from '../../support/workspace.js';

/**
 * Issue 6: the 6FB incident types no gateway rule can see — a database or host compromise, data already served,
 * an auth bypass inside the app, a configuration finding. They arrive as an inbound alert from the tool that can
 * see them (generic webhook, Alertmanager) or are opened by a responder over the API; the seed's "isolate"
 * becomes maintenance at the gateway and "revoke sessions" an issued-before epoch. One app on one ManualClock.
 */
const MIN = 60_000;

describe('6FB (booking-api): incident types reported by a tool or a person, end to end', () => {
  let s: StoryApp;
  beforeAll(async () => {
    s = await startStoryApp(new ManualClock('2026-11-23T09:00:00.000Z'));
  });
  afterAll(async () => {
    await s?.close();
  });

  const cli = async (args: string[]) => {
    const run = await s.cli(args);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
  };
  const open = (body: Record<string, string>) =>
    s.api.ok<Incident>('POST', '/v1/incidents', { service: 'booking-api', ...body });
  const inbound = (path: string, body: unknown, secret = INBOUND_SECRET) =>
    s.api.call('POST', `/v1/inbound/booking-api/${path}`, body, secret);
  const told = async (story: Story, incident: Incident, security: boolean) => {
    await story.step('Slack #booking-incidents told', () => story.delivered('/slack', incident));
    await story.step('PagerDuty paged', () => story.delivered('/pagerduty', incident));
    if (!security) return;
    const [hook] = await story.step('security webhook told (signed)', () =>
      story.delivered('/security', incident),
    );
    expect(hook?.headers['x-rampart-delivery']).toBeTruthy();
  };
  const maintenanceOn = async (story: Story, id: string, routes: string[]) =>
    story.step(
      `maintenance on ${routes.join(', ')} (rampart maintenance on): 503 + banner, /health 200`,
      async () => {
        for (const route of routes)
          await cli([
            'maintenance',
            'on',
            '--service',
            'booking-api',
            '--incident',
            id,
            '--reason',
            'isolate',
            ...(route === '*' ? [] : ['--route', route]),
          ]);
        await waitFor(async () => (await bookings(s, '100.64.7.1')).status === 503, 10_000);
        const res = await bookings(s, '100.64.7.1');
        expect(await res.text()).toContain(BOOKING.banner);
        expect(res.headers.get('retry-after')).toBe('600');
        expect((await bookings(s, '100.64.7.1', undefined, '/health')).status).toBe(200);
      },
    );
  const maintenanceOff = (story: Story) =>
    story.step('maintenance off (rampart maintenance off)', async () => {
      await cli(['maintenance', 'off', '--service', 'booking-api', '--reason', 'contained']);
      return waitFor(async () => (await bookings(s, '100.64.7.1')).status === 401, 10_000);
    });
  const finish = async (story: Story, id: string, ip: string) => {
    await bookingMonitorsGreen(story, ip);
    return story.resolve(id, BOOKING.postmortemHours, BOOKING.sections);
  };

  it('configuration-issue: opened by a responder → P2, Slack in business hours, manual fix only', async () => {
    const story = new Story(
      s,
      'configuration-issue (opened by a responder: POST /v1/incidents; no rule sees config)',
    );
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened by hand`,
      () => open({ title: 'CORS allows any origin on /auth', severity: 'P2', type: 'configuration-issue' }),
    );
    expect(incident).toMatchObject({ severity: 'P2', type: 'configuration-issue' });
    await story.step('Slack #booking-incidents told (P2, Monday 09:00 UTC: in business hours)', () =>
      story.delivered('/slack', incident),
    );
    expect(story.messages('/pagerduty', incident)).toEqual([]);
    await story.refused(incident.id, [BOOKING.flow]);
    await story.step('configuration updated (a note; the playbook has no gateway mitigation for it)', () =>
      s.api.ok('POST', `/v1/incidents/${incident.id}/notes`, {
        text: 'CORS origins restricted to the app domain',
      }),
    );
    const view = await finish(story, incident.id, '100.64.98.1');
    expect(view.mitigations).toEqual([]);
  });

  it('database-compromise: an inbound alert from database auditing → P0, the API failed closed', async () => {
    s.clock.advance(MIN);
    const story = new Story(s, 'database-compromise (inbound alert: POST /v1/inbound/booking-api/alerts)');
    const alert = {
      title: 'pgaudit: UPDATE on users by an unknown role',
      severity: 'P0',
      type: 'database-compromise',
      fingerprint: 'pgaudit-users-1',
      source: 'pgaudit',
    };
    expect((await inbound('alerts', alert, 'not-the-secret-at-all')).status).toBe(401);
    await story.step('alert accepted with the shared secret', async () => {
      expect((await inbound('alerts', alert)).status).toBeLessThan(300);
    });
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened`,
      () => story.incident('booking-api', (i) => i.type === 'database-compromise'),
    );
    expect(incident.severity).toBe('P0');
    await told(story, incident, true);
    await maintenanceOn(story, incident.id, ['*']);
    await story.refused(incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('alert resolved by its sender: "clear" on the timeline', async () => {
      expect((await inbound('alerts', { ...alert, status: 'resolved' })).status).toBeLessThan(300);
      return waitFor(
        async () => (await story.view(incident.id)).timeline.some((e) => e.data.cleared === true),
        3000,
      );
    });
    await s.api.ok('POST', `/v1/incidents/${incident.id}/notes`, { text: 'database credentials rotated' });
    await maintenanceOff(story);
    s.clock.advance(16 * MIN);
    await finish(story, incident.id, '100.64.98.2');
    await story.step('security webhook told of the resolution', () =>
      waitFor(() => Promise.resolve(story.messages('/security', incident).length >= 2)),
    );
  });

  it('system-compromise: an Alertmanager alert → P0, isolated and every session revoked', async () => {
    s.clock.advance(MIN);
    const story = new Story(
      s,
      'system-compromise (inbound alert: POST /v1/inbound/booking-api/alertmanager)',
    );
    const jwt = await login(s, 'barber@6fb.test', '100.64.7.2');
    const am = (status: 'firing' | 'resolved') => ({
      version: '4',
      groupKey: '{}:{alertname="HostIntrusion"}',
      status,
      receiver: 'rampart',
      alerts: [
        {
          status,
          labels: { alertname: 'HostIntrusion', severity: 'critical', incident_type: 'system-compromise' },
          annotations: { summary: 'falco: shell spawned in the booking container' },
          startsAt: s.clock.now().toISOString(),
          ...(status === 'resolved' ? { endsAt: s.clock.now().toISOString() } : {}),
          fingerprint: 'falco-shell-1',
        },
      ],
    });
    await story.step('Alertmanager alert accepted', async () => {
      expect((await inbound('alertmanager', am('firing'))).status).toBeLessThan(300);
    });
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened (critical → P0)`,
      () => story.incident('booking-api', (i) => i.type === 'system-compromise'),
    );
    expect(incident.severity).toBe('P0');
    await told(story, incident, true);
    await maintenanceOn(story, incident.id, ['*']);
    await story.step('all sessions revoked (POST /v1/mitigations revoke-all)', () =>
      s.api.ok<Mitigation>('POST', '/v1/mitigations', {
        service: 'booking-api',
        kind: 'revoke-all',
        target: '*',
        reason: 'host compromised',
        incidentId: incident.id,
      }),
    );
    await story.refused(incident.id, [BOOKING.flow, BOOKING.baseline]);
    await story.step('host rebuilt; alert resolved; "clear" on the timeline', async () => {
      expect((await inbound('alertmanager', am('resolved'))).status).toBeLessThan(300);
      return waitFor(
        async () => (await story.view(incident.id)).timeline.some((e) => e.data.cleared === true),
        3000,
      );
    });
    await maintenanceOff(story);
    await story.step('the old session gets 401; a fresh login works', async () => {
      expect((await bookings(s, '100.64.7.2', jwt)).status).toBe(401);
      s.clock.advance(1000);
      expect((await bookings(s, '100.64.7.2', await login(s, 'barber@6fb.test', '100.64.7.2'))).status).toBe(
        200,
      );
    });
    s.clock.advance(16 * MIN);
    await finish(story, incident.id, '100.64.98.3');
  });

  it('data-breach: opened by a responder → P0, booking routes isolated, sessions revoked', async () => {
    s.clock.advance(MIN);
    const story = new Story(
      s,
      'data-breach (opened by a responder: data already served with 200 looks like normal traffic)',
    );
    const jwt = await login(s, 'frontdesk@6fb.test', '100.64.7.3');
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened by hand`,
      () =>
        open({ title: 'Customer bookings published on a paste site', severity: 'P0', type: 'data-breach' }),
    );
    await told(story, incident, true);
    await maintenanceOn(story, incident.id, ['bookings', 'dashboard', 'sync-status']);
    await story.step(
      'sessions revoked (rampart revoke all-sessions): old token 401, login still open',
      async () => {
        await cli([
          'revoke',
          'all-sessions',
          '--service',
          'booking-api',
          '--incident',
          incident.id,
          '--reason',
          'breach',
        ]);
        await waitFor(async () => (await bookings(s, '100.64.7.3', jwt, '/auth/me')).status === 401, 10_000);
        expect((await bookings(s, '100.64.7.3', jwt, '/dashboard/today')).status).toBe(503);
        expect((await bookings(s, '100.64.7.3', jwt, '/sync-status')).status).toBe(503);
      },
    );
    await story.refused(incident.id, [BOOKING.flow]);
    await maintenanceOff(story);
    await finish(story, incident.id, '100.64.98.4');
  });

  it('authentication-bypass: the app accepts forged tokens → P1, all sessions revoked', async () => {
    s.clock.advance(MIN);
    const story = new Story(s, 'authentication-bypass (opened by a responder: the bypass is inside the app)');
    const jwt = await login(s, 'barber@6fb.test', '100.64.7.4');
    const forged = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('barber@6fb.test')
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(s.clock.now().getTime() / 1000))
      .setExpirationTime(Math.floor(s.clock.now().getTime() / 1000) + 900)
      .sign(randomBytes(32));
    await s.control.booking.misbehave('auth-bypass');
    await story.step(
      'bypass live in the app (forged token 200 straight to it), refused by the gateway (401)',
      async () => {
        const direct = await fetch(`${s.standins.bookingUrl}/bookings`, {
          headers: { authorization: `Bearer ${forged}` },
        });
        expect(direct.status).toBe(200);
        expect((await bookings(s, '100.64.7.4', forged)).status).toBe(401);
      },
    );
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened by hand`,
      () =>
        open({
          title: 'Forged tokens accepted by the booking app',
          severity: 'P1',
          type: 'authentication-bypass',
        }),
    );
    await told(story, incident, true);
    await story.step(
      'all sessions revoked (POST /v1/mitigations revoke-all): the old token 401',
      async () => {
        await s.api.ok('POST', '/v1/mitigations', {
          service: 'booking-api',
          kind: 'revoke-all',
          target: '*',
          reason: 'auth bypass',
          incidentId: incident.id,
        });
        expect((await bookings(s, '100.64.7.4', jwt)).status).toBe(401);
      },
    );
    await story.refused(incident.id, [BOOKING.flow]);
    await story.step('JWT validation fixed (stand-in healed); a fresh login works', async () => {
      await s.control.booking.misbehave('none');
      s.clock.advance(1000);
      expect((await bookings(s, '100.64.7.4', await login(s, 'barber@6fb.test', '100.64.7.4'))).status).toBe(
        200,
      );
    });
    await finish(story, incident.id, '100.64.98.5');
  });
});
