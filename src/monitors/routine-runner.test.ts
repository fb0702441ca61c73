import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedLogger, fotospielPlaybook } from '../notify/testing/harness.js';
import type { Playbook } from '../playbook/index.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/ports.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { createRoutineRunner } from './routine-runner.js';
import { latestOccurrence, nextOccurrence, routineClockOf } from './routine-schedule.js';

const berlin = {
  timezone: 'Europe/Berlin',
  time: '09:00',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
};
const iso = (d: Date | undefined) => d?.toISOString();

describe('routine schedule', () => {
  it('falls due at 09:00 Berlin on business days: a Saturday waits for Monday, across DST', () => {
    const saturdayNight = new Date('2026-01-10T22:00:00.000Z');
    expect(iso(nextOccurrence(saturdayNight, 'daily', berlin))).toBe('2026-01-12T08:00:00.000Z');
    expect(iso(latestOccurrence(saturdayNight, 'daily', berlin))).toBe('2026-01-09T08:00:00.000Z');
    // Summer time: 09:00 Berlin is 07:00 UTC.
    expect(iso(nextOccurrence(new Date('2026-03-29T12:00:00.000Z'), 'daily', berlin))).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    // Weekly on the week's first business day, monthly on the month's (1 Aug 2026 is a Saturday).
    expect(iso(nextOccurrence(new Date('2026-01-06T12:00:00.000Z'), 'weekly', berlin))).toBe(
      '2026-01-12T08:00:00.000Z',
    );
    expect(iso(nextOccurrence(new Date('2026-07-15T12:00:00.000Z'), 'monthly', berlin))).toBe(
      '2026-08-03T07:00:00.000Z',
    );
    const utc = { timezone: 'UTC', time: '09:00', days: undefined };
    expect(iso(nextOccurrence(new Date('2026-01-10T22:00:00.000Z'), 'daily', utc))).toBe(
      '2026-01-11T09:00:00.000Z',
    );
    expect(iso(nextOccurrence(new Date('2026-01-10T22:00:00.000Z'), 'monthly', utc))).toBe(
      '2026-02-01T09:00:00.000Z',
    );
  });
});

describe.each(await contractEngines())('routines on $name', (engine) => {
  let target: EngineTarget;
  let store: Store;
  let playbook: Playbook;

  beforeEach(async () => {
    target = await engine.create();
    store = await openStore(target.url, { cwd: target.cwd });
    const seed = await fotospielPlaybook();
    expect(routineClockOf(seed)).toMatchObject(berlin);
    // Only the routine without a monitor, and a review due on Friday 2026-01-30.
    playbook = {
      ...seed,
      routines: seed.routines.filter((r) => r.name === 'check-join-token-log'),
      review: { cadence: 'quarterly', next_review_due: '2026-01-30' },
    };
  });
  afterEach(async () => {
    await store.close();
    await target.drop();
  });

  it('reminds the owner once per occurrence, even from two desks, and the review before and after its date', async () => {
    const { logger } = capturedLogger();
    const a = createRoutineRunner({ store, playbooks: [playbook], logger });
    const b = createRoutineRunner({ store, playbooks: [playbook], logger });
    expect(await a.runDue(new Date('2026-01-10T10:00:00.000Z'))).toEqual([]); // Saturday: nothing
    expect(await a.runDue(new Date('2026-01-12T08:00:00.000Z'))).toEqual(['guest-api/check-join-token-log']);
    expect(await b.runDue(new Date('2026-01-12T08:01:00.000Z'))).toEqual([]);
    const rows = await store.outbox.list();
    expect(rows.map((r) => [r.audience, r.channel, r.incidentId, r.nextAttemptAt])).toEqual([
      ['on-call', 'slack', null, '2026-01-12T08:00:00.000Z'],
    ]);
    expect(rows[0]!.payload).toMatchObject({
      headline: '[guest-api] routine due: Review Join token denials in laravel.log',
      text: 'Review Join token denials in laravel.log is due (daily, owner on-call).',
    });

    // Review due 2026-01-30: reminded 14 days before (Fri 16th 09:00 Berlin), overdue the day after, once each.
    // Thursday's occurrence, first seen within its day of grace.
    expect(await a.runDue(new Date('2026-01-16T07:59:00.000Z'))).toEqual(['guest-api/check-join-token-log']);
    expect(await a.runDue(new Date('2026-01-16T08:00:00.000Z'))).toEqual([
      'guest-api/check-join-token-log',
      'guest-api/@review-due-soon',
    ]);
    expect(await a.runDue(new Date('2026-01-20T08:00:00.000Z'))).toEqual(['guest-api/check-join-token-log']);
    // Saturday the 31st: Friday's occurrence is still within its day of grace; the review is overdue.
    expect(await a.runDue(new Date('2026-01-31T08:00:00.000Z'))).toEqual([
      'guest-api/check-join-token-log',
      'guest-api/@review-overdue',
    ]);
    expect(await b.runDue(new Date('2026-02-03T08:30:00.000Z'))).toEqual(['guest-api/check-join-token-log']);
    const reviews = (await store.outbox.list())
      .map((r) => (r.payload as { headline: string }).headline)
      .filter((h) => h.includes('review'));
    expect(reviews).toEqual(['[guest-api] playbook review due soon', '[guest-api] playbook review overdue']);

    const listed = await a.list(new Date('2026-02-03T09:00:00.000Z'));
    expect(listed.map((r) => [r.name, r.nextDue, r.last?.outcome, r.last?.occurrence])).toEqual([
      ['check-join-token-log', '2026-02-04T08:00:00.000Z', 'reminded', '2026-02-03T08:00:00.000Z'],
      ['review', '2026-01-30', 'overdue', '2026-01-31T08:00:00.000Z'],
    ]);
  });
});
