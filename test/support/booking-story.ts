import { DEMO_BOOKING_SEED } from '../../src/standins/index.js';
import type { StoryApp } from './story-app.js';
import { xff, type Story } from './story.js';

/** The 6FB playbook's verification, post-mortem and monitors, as the stories check them. */
export const BOOKING = {
  monitors: ['booking-flow', 'health', 'auth-required', 'rate-limit-headers', 'rate-limit-active'],
  flow: 'Test booking flow end-to-end',
  baseline: 'Error rates back to baseline',
  postmortemHours: 72,
  sections: [
    'summary',
    'timeline',
    'impact',
    'root-cause',
    'lessons-learned',
    'security-hardening',
    'follow-ups',
  ],
  banner: 'Booking is temporarily unavailable',
};

export const DEMO_PASSWORD = DEMO_BOOKING_SEED.users[0]?.password ?? '';

/** Logs in through the gateway from `ip`; returns the access token. */
export async function login(s: StoryApp, username: string, ip: string): Promise<string> {
  const res = await fetch(`${s.booking}/auth/login`, {
    method: 'POST',
    headers: { ...xff(ip), 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} from ${ip} answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const bookings = (s: StoryApp, ip: string, jwt?: string, path = '/bookings') =>
  fetch(`${s.booking}${path}`, {
    headers: { ...xff(ip), ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
  });

/**
 * The monitors of the 6FB verification, run with `rampart monitors run`; the booking-flow monitor needs a test
 * account's token (BOOKING_TEST_JWT), so the test account logs in afresh, as it would after sessions were revoked.
 * JWT iat has whole seconds: the clock moves one second first so the token is newer than any revocation.
 */
export async function bookingMonitorsGreen(story: Story, ip: string): Promise<void> {
  story.s.clock.advance(1000);
  await story.step('monitors green (rampart monitors run ×5, test account logged in afresh)', async () => {
    const jwt = await login(story.s, 'loadtest@6fb.test', ip);
    return story.monitors('booking-api', BOOKING.monitors, { BOOKING_TEST_JWT: jwt });
  });
}
