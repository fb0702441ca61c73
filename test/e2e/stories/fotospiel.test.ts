import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/domain/incident.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { DEMO_GUEST_SEED, KNOWN_GOOD_TOKEN } from '../../../src/standins/index.js';
import { startStoryApp, type StoryApp } from '../../support/story-app.js';
import { hoursBetween, sendMany, Story, summary, xff } from '../../support/story.js';
import { waitFor } from '../../support/workspace.js';

/**
 * Issue 6: one story per incident type of the fotospiel playbook (guest-api), told from the outside — attack
 * traffic or a misbehaving stand-in through the gateway, then the API, the CLI and the local receivers. One app
 * on one ManualClock (a Monday morning, so "quiet for 10 minutes" is a clock move, not a wait); each story uses
 * its own addresses and tokens because state carries from one story to the next.
 */
const VERIFY = {
  monitors: ['gallery-known-good', 'events-known-good'],
  manual: 'Validate join-token creation/revocation via Filament',
};
const BANNER = 'The event gallery is under maintenance';

describe('fotospiel (guest-api): every incident type, end to end', () => {
  let s: StoryApp;
  beforeAll(async () => {
    s = await startStoryApp(new ManualClock('2026-11-23T09:00:00.000Z'));
  });
  afterAll(async () => {
    await s?.close();
  });

  const gallery = (token: string, ip: string, path = 'photos') =>
    fetch(`${s.guest}/api/v1/gallery/${token}/${path}`, { headers: xff(ip) });
  const stats = (token: string, ip: string) =>
    fetch(`${s.guest}/api/v1/events/${token}/stats`, { headers: xff(ip) });

  /** The part every story ends with: monitors green, the manual step confirmed, verified, resolved, RCA due in 48 h. */
  async function verifyAndResolve(story: Story, id: string, resolveWith: 'cli' | 'api') {
    await story.step('monitors green (rampart monitors run)', () =>
      story.monitors('guest-api', VERIFY.monitors, { KNOWN_GOOD_TOKEN }),
    );
    await story.step('manual step confirmed (POST …/verification/confirm)', () =>
      s.api.ok('POST', `/v1/incidents/${id}/verification/confirm`, {
        step: VERIFY.manual,
        note: 'created and revoked a test join token in Filament',
      }),
    );
    const verified = await story.step('verification passes', () => story.verification(id));
    expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
    await story.step(
      `resolved (${resolveWith === 'cli' ? 'rampart incident resolve' : 'POST …/resolve'})`,
      async () => {
        if (resolveWith === 'api')
          return s.api.ok('POST', `/v1/incidents/${id}/resolve`, { note: 'verified' });
        const run = await s.cli(['incident', 'resolve', id, '--note', 'verified']);
        expect(run.err).toBe('');
        return run;
      },
    );
    const view = await story.step(
      (v) => `post-mortem due ${v.postmortem?.dueAt ?? '?'}`,
      () => story.view(id),
    );
    expect(view.incident.status).toBe('resolved');
    expect(hoursBetween(view.incident.resolvedAt ?? '', view.postmortem?.dueAt ?? '')).toBe(48);
    expect(view.postmortem?.sections.map((x) => x.name)).toEqual([
      'summary',
      'timeline',
      'impact',
      'root-cause',
      'detection-gaps',
      'follow-ups',
    ]);
    expect(view.timeline.some((e) => e.kind === 'verification' && e.data.outcome === 'passed')).toBe(true);
  }

  /** Resolving before the work is done is refused, with the reasons on the record. */
  async function refusedFirst(story: Story, id: string, failing: string[]) {
    const answer = await story.step('"resolved" refused by verification (409)', () =>
      s.api.call('POST', `/v1/incidents/${id}/resolve`, {}),
    );
    expect(answer.status).toBe(409);
    const report = await story.verification(id);
    expect(report.ok).toBe(false);
    expect(
      report.checks.filter((c) => !c.ok).map((c) => `${c.check}`),
      JSON.stringify(report.checks),
    ).toEqual(failing);
  }

  async function evidenceAndNotified(story: Story, id: string, pagerduty: boolean) {
    const view = await story.step('15-minute evidence snapshot on the timeline', () => story.view(id));
    const evidence = view.timeline.find((e) => e.kind === 'evidence');
    expect(evidence?.data.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(String(evidence?.data.to)) - Date.parse(String(evidence?.data.from))).toBe(15 * 60_000);
    await story.step('Slack #incident-response told', () => story.delivered('/slack', view.incident));
    if (pagerduty) {
      const [page] = await story.step('PagerDuty paged', () => story.delivered('/pagerduty', view.incident));
      expect(page?.body).toMatchObject({ event_action: 'trigger', dedup_key: `rampart-${id}` });
    }
    return view;
  }

  it('brute-force: token enumeration from one /24 → SEV-2, the /24 blocked, lifted once it subsides', async () => {
    s.clock.advance(60_000);
    const story = new Story(s, 'brute-force (detected: token-enumeration over gateway traffic)');
    await story.step('25 guessed join tokens from 203.0.113.0/24', async () => {
      for (let i = 1; i <= 25; i++)
        await (await stats(`guess${String(i).padStart(4, '0')}zz`, `203.0.113.${i}`)).text();
    });
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened, scope ${i.scope.ips.length} addresses`,
      () => story.incident('guest-api', story.byRule('token-enumeration')),
    );
    expect(incident).toMatchObject({ severity: 'SEV-2', type: 'brute-force' });
    expect(incident.scope.ips.filter((ip) => !ip.startsWith('203.0.113.'))).toEqual([]);
    expect(incident.scope.ips.length).toBeGreaterThanOrEqual(20);
    const view = await evidenceAndNotified(story, incident.id, true);
    expect(view.mitigations).toMatchObject([{ kind: 'block', target: '203.0.113.0/24', author: 'detector' }]);
    await story.step('block enforced: 403 for the /24, 200 elsewhere', async () => {
      expect((await stats(KNOWN_GOOD_TOKEN, '203.0.113.250')).status).toBe(403);
      expect((await stats(KNOWN_GOOD_TOKEN, '198.51.100.7')).status).toBe(200);
    });
    await refusedFirst(story, incident.id, [
      'monitors',
      'manual',
      'error_rate_baseline',
      'mitigations_lifted',
    ]);
    await story.step('rule clear: the /24 quiet for 10 min after the 5-min window (clock moved 16 min)', () =>
      story.clearAndWait(incident.id, 'token-enumeration', 15 * 60_000, 0),
    );
    await story.step(
      'block lifted once the threat subsided (rampart lift); the /24 gets in again',
      async () => {
        const run = await s.cli(['lift', view.mitigations[0]?.id ?? '?', '--reason', 'enumeration stopped']);
        expect(run.code).toBe(0);
        return waitFor(async () => (await stats(KNOWN_GOOD_TOKEN, '203.0.113.250')).status === 200, 10_000);
      },
    );
    s.clock.advance(10 * 60_000);
    await verifyAndResolve(story, incident.id, 'api');
    await story.step('PagerDuty incident resolved', () =>
      waitFor(() =>
        Promise.resolve(
          story.messages('/pagerduty', incident).some((m) => JSON.stringify(m.body).includes('"resolve"')),
        ),
      ),
    );
  });

  it('token-compromise: one join token from 55 addresses → SEV-1, revoked by hash, kept revoked on purpose', async () => {
    s.clock.advance(60_000);
    const story = new Story(s, 'token-compromise (detected: token-leak over gateway traffic)');
    const leaked = await s.control.guest.createEvent();
    const statuses = await story.step(
      (st: number[]) => `the event's join token used from 55 addresses (${summary(st)})`,
      () => sendMany(55, 5, (i) => gallery(leaked.joinToken, `100.64.1.${i + 1}`)),
    );
    // Revoked once 30 addresses of the /24 used it (the rule's count): the rest may already get 401.
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(30);
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened, scope ${i.scope.ips.length} addresses`,
      () => story.incident('guest-api', story.byRule('token-leak')),
    );
    expect(incident).toMatchObject({ severity: 'SEV-1', type: 'token-compromise' });
    const preview = `${leaked.joinToken.slice(0, 4)}…${leaked.joinToken.slice(-2)}`;
    expect(incident.scope.tokenPreviews).toContain(preview);
    expect(incident.scope.ips.length).toBeGreaterThanOrEqual(30);
    const view = await evidenceAndNotified(story, incident.id, true);
    expect(view.mitigations).toMatchObject([{ kind: 'revoke-token', data: { preview } }]);
    expect(JSON.stringify(view)).not.toContain(leaked.joinToken);
    await story.step('revocation enforced: the token gets 401 from anywhere, others still 200', async () => {
      expect((await gallery(leaked.joinToken, '192.0.2.99')).status).toBe(401);
      expect((await gallery(KNOWN_GOOD_TOKEN, '192.0.2.99')).status).toBe(200);
    });
    await refusedFirst(story, incident.id, [
      'monitors',
      'manual',
      'error_rate_baseline',
      'mitigations_lifted',
    ]);
    await story.step(
      'revocation kept on purpose (POST /v1/mitigations/:id/keep); tenant has a new token',
      async () => {
        await s.api.ok('POST', `/v1/mitigations/${view.mitigations[0]?.id ?? '?'}/keep`, {
          reason: 'a leaked join token stays revoked; the tenant shares a replacement',
        });
        const replacement = await s.control.guest.createEvent();
        expect((await gallery(replacement.joinToken, '100.64.1.7')).status).toBe(200);
      },
    );
    await story.step('rule clear, then quiet for 10 min (clock moved 32 min)', () =>
      story.clearAndWait(incident.id, 'token-leak', 20 * 60_000, 10 * 60_000),
    );
    await verifyAndResolve(story, incident.id, 'api');
    expect((await gallery(leaked.joinToken, '192.0.2.99')).status).toBe(401);
  });

  it('internal-failure: storage lost → SEV-1 error spike, failed closed with maintenance, healed', async () => {
    s.clock.advance(60_000);
    const story = new Story(
      s,
      'internal-failure (detected: error-spike; maintenance applied by a responder)',
    );
    const event = DEMO_GUEST_SEED.events[2];
    if (!event) throw new Error('seed has no third event');
    await s.control.guest.misbehave('storage-lost');
    const statuses = await story.step(
      (st: number[]) => `the stand-in loses its storage disk: 60 gallery requests (${summary(st)})`,
      () => sendMany(60, 5, (i) => gallery(event.joinToken, `198.18.3.${(i % 4) + 1}`)),
    );
    expect(statuses.every((x) => x === 500)).toBe(true);
    const incident = await story.step(
      (i) => `incident ${i.id} ${i.severity} ${i.type ?? ''} opened, scope ${i.scope.events.length} event(s)`,
      () => story.incident('guest-api', story.byRule('error-spike')),
    );
    expect(incident).toMatchObject({ severity: 'SEV-1', type: 'internal-failure' });
    expect(incident.scope.ips).toEqual(
      expect.arrayContaining(['198.18.3.1', '198.18.3.2', '198.18.3.3', '198.18.3.4']),
    );
    const view = await evidenceAndNotified(story, incident.id, true);
    expect(view.mitigations).toEqual([]);
    const maintenance = await story.step(
      'maintenance on (rampart maintenance on): 503, banner, Retry-After',
      async () => {
        const run = await s.cli([
          'maintenance',
          'on',
          '--service',
          'guest-api',
          '--incident',
          incident.id,
          '--reason',
          'storage lost: fail closed',
        ]);
        expect(run.code).toBe(0);
        await waitFor(async () => (await gallery(event.joinToken, '198.18.3.9')).status === 503, 10_000);
        return gallery(event.joinToken, '198.18.3.9');
      },
    );
    expect(maintenance.headers.get('retry-after')).toBe('300');
    expect(await maintenance.text()).toContain(BANNER);
    expect((await fetch(`${s.guest}/health`)).status).toBe(200);
    await refusedFirst(story, incident.id, [
      'monitors',
      'manual',
      'error_rate_baseline',
      'mitigations_lifted',
    ]);
    await story.step('storage back, maintenance off (rampart maintenance off), gallery 200', async () => {
      await s.control.guest.misbehave('none');
      expect(
        (await s.cli(['maintenance', 'off', '--service', 'guest-api', '--reason', 'storage restored'])).code,
      ).toBe(0);
      return waitFor(async () => (await gallery(event.joinToken, '198.18.3.9')).status === 200, 10_000);
    });
    await story.step('rule clear, then quiet for 10 min (clock moved 23 min)', () =>
      story.clearAndWait(incident.id, 'error-spike', 11 * 60_000, 10 * 60_000),
    );
    await verifyAndResolve(story, incident.id, 'cli');
  });

  it('endpoint-regression: opened by a responder → SEV-3, the gallery switched off, then on again', async () => {
    s.clock.advance(60_000);
    const story = new Story(
      s,
      'endpoint-regression (opened by a responder: POST /v1/incidents; no rule sees it)',
    );
    const incident = await story.step(
      (i: { id: string; severity: string }) => `incident ${i.id} ${i.severity} opened by hand`,
      () =>
        s.api.ok<Incident>('POST', '/v1/incidents', {
          service: 'guest-api',
          title: 'Gallery shows another event’s photos after the release',
          severity: 'SEV-3',
          type: 'endpoint-regression',
        }),
    );
    expect(incident).toMatchObject({ severity: 'SEV-3', type: 'endpoint-regression', status: 'triggered' });
    await story.step('Slack #incident-response told (SEV-3: Slack only)', () =>
      story.delivered('/slack', incident),
    );
    expect(story.messages('/pagerduty', incident)).toEqual([]);
    await story.step('gallery switched off (rampart switch off gallery): 503, events still 200', async () => {
      const run = await s.cli([
        'switch',
        'off',
        'gallery',
        '--service',
        'guest-api',
        '--incident',
        incident.id,
        '--reason',
        'feature flag toggle',
      ]);
      expect(run.code).toBe(0);
      await waitFor(async () => (await gallery(KNOWN_GOOD_TOKEN, '192.0.2.50')).status === 503, 10_000);
      expect((await stats(KNOWN_GOOD_TOKEN, '192.0.2.50')).status).toBe(200);
    });
    await refusedFirst(story, incident.id, ['monitors', 'manual', 'mitigations_lifted']);
    await story.step('fix rolled out, gallery switched on again (rampart switch on gallery)', async () => {
      expect(
        (await s.cli(['switch', 'on', 'gallery', '--service', 'guest-api', '--reason', 'fix deployed'])).code,
      ).toBe(0);
      return waitFor(async () => (await gallery(KNOWN_GOOD_TOKEN, '192.0.2.50')).status === 200, 10_000);
    });
    await verifyAndResolve(story, incident.id, 'api');
  });
});
