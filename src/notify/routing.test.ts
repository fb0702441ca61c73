import { describe, expect, it } from 'vitest';
import type { CommsSpec } from '../playbook/index.js';
import { nextBusinessStart } from './business-hours.js';
import { routeEvent } from './routing.js';
import { compileTemplate } from './templates.js';
import { sampleIncident } from './testing/fixtures.js';

const BERLIN = {
  timezone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
  start: '09:00',
  end: '17:00',
};

describe('business hours', () => {
  it.each([
    ['2026-01-10T22:00:00.000Z', '2026-01-12T08:00:00.000Z', 'Saturday 23:00 CET waits for Monday 09:00'],
    ['2026-01-12T08:30:00.000Z', '2026-01-12T08:30:00.000Z', 'Monday 09:30 is inside'],
    ['2026-01-12T16:00:00.000Z', '2026-01-13T08:00:00.000Z', 'Monday 17:00 is closed until Tuesday'],
    ['2026-01-12T05:00:00.000Z', '2026-01-12T08:00:00.000Z', 'Monday 06:00 waits three hours'],
    ['2026-01-16T16:30:00.000Z', '2026-01-19T08:00:00.000Z', 'Friday 17:30 waits for Monday'],
    [
      '2026-03-28T12:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      'across the spring DST change Monday 09:00 is 07:00 UTC',
    ],
    [
      '2026-10-24T12:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      'across the autumn DST change it is 08:00 UTC again',
    ],
  ])('%s → %s (%s)', (at, expected) => {
    expect(nextBusinessStart(new Date(at), { ...BERLIN, days: [...BERLIN.days] }).toISOString()).toBe(
      expected,
    );
  });

  it('works east of UTC past midnight and with a weekend-only schedule', () => {
    const tokyo = { timezone: 'Asia/Tokyo', days: ['sat' as const], start: '10:00', end: '12:00' };
    // Friday 2026-01-09 20:00 UTC is Saturday 05:00 in Tokyo: opens at 10:00 local = 01:00 UTC.
    expect(nextBusinessStart(new Date('2026-01-09T20:00:00.000Z'), tokyo).toISOString()).toBe(
      '2026-01-10T01:00:00.000Z',
    );
  });
});

const comms: CommsSpec = {
  business_hours: { ...BERLIN, days: [...BERLIN.days] },
  audiences: [
    {
      name: 'on-call',
      channels: [
        { type: 'slack', webhook_env: 'SLACK' },
        { type: 'pagerduty', routing_key_env: 'PD' },
      ],
      when: { severities: ['SEV-1', 'SEV-2'], events: ['opened', 'status_changed', 'update_due'] },
      timing: 'immediate',
      requires_approval: false,
    },
    {
      name: 'team',
      channels: [{ type: 'webhook', url_env: 'HOOK' }],
      when: { events: ['opened'] },
      timing: 'business_hours',
      requires_approval: false,
    },
    {
      name: 'tenants',
      channels: [{ type: 'email', to: 'tenants', smtp_env: 'SMTP', template: 'gallery' }],
      when: { severities: ['SEV-2'], events: ['mitigated'], impactful: true },
      timing: 'immediate',
      requires_approval: true,
    },
  ],
  templates: [],
};

describe('routing', () => {
  const saturday = new Date('2026-01-10T22:00:00.000Z');

  it('pages SEV-2 on-call now and holds the business-hours audience until Monday', () => {
    const planned = routeEvent({
      comms,
      incident: sampleIncident(),
      events: ['opened'],
      eventKey: 'opened',
      at: saturday,
    });
    expect(planned.map((p) => [p.dedupKey, p.notBefore.toISOString()])).toEqual([
      ['INC-7:opened:on-call:0-slack', saturday.toISOString()],
      ['INC-7:opened:on-call:1-pagerduty', saturday.toISOString()],
      ['INC-7:opened:team:0-webhook', '2026-01-12T08:00:00.000Z'],
    ]);
  });

  it('leaves PagerDuty out of events it has no action for, and filters by severity', () => {
    const reminder = routeEvent({
      comms,
      incident: sampleIncident(),
      events: ['update_due'],
      eventKey: 'due',
      at: saturday,
    });
    expect(reminder.map((p) => p.channel)).toEqual(['slack']);
    const minor = routeEvent({
      comms,
      incident: sampleIncident({ severity: 'SEV-3', severityRank: 3 }),
      events: ['opened'],
      eventKey: 'o',
      at: saturday,
    });
    expect(minor.map((p) => p.audience)).toEqual(['team']);
  });

  it('e-mails each tenant in scope once, held for approval, only when impactful', () => {
    const incident = sampleIncident({
      scope: { tenants: ['acme', 'globex'], events: [], ips: [], tokenPreviews: [], tokens: [] },
    });
    const planned = routeEvent({
      comms,
      incident,
      events: ['mitigated', 'status_changed'],
      eventKey: 'e9',
      at: saturday,
    });
    const mail = planned.filter((p) => p.channel === 'email');
    expect(mail.map((p) => [p.dedupKey, p.tenant, p.held, p.template])).toEqual([
      ['INC-7:e9:tenants:0-email:acme', 'acme', true, 'gallery'],
      ['INC-7:e9:tenants:0-email:globex', 'globex', true, 'gallery'],
    ]);
    const quiet = sampleIncident({
      scope: { tenants: [], events: [], ips: ['203.0.113.7'], tokenPreviews: [], tokens: [] },
    });
    expect(
      routeEvent({ comms, incident: quiet, events: ['mitigated'], eventKey: 'e9', at: saturday }),
    ).toEqual([]);
  });
});

describe('templates', () => {
  it('fills known placeholders and refuses unknown ones when compiled', () => {
    const t = compileTemplate(
      { name: 'x', subject: '[{{ incident.severity }}] {{incident.title}}', body: 'Hi {{tenant.name}}' },
      'svc',
    );
    expect(
      t.render({ 'incident.severity': 'SEV-2', 'incident.title': 'a\nb', 'tenant.name': 'ACME' }),
    ).toEqual({
      subject: '[SEV-2] a b',
      body: 'Hi ACME',
    });
    expect(() =>
      compileTemplate({ name: 'bad', subject: 'ok', body: '{{incident.secret_sauce}}' }, 'svc'),
    ).toThrow(/template bad.body uses \{\{incident.secret_sauce\}\}/);
  });
});
