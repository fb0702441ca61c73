import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send } from '../http.js';
import { DEMO_PASSWORD, xff } from './shared.js';
import { slackDelivered, tellStory, waitFor } from '../watch.js';

/** A fresh address per run, so reruns within a minute stay under the login limit. */
const client = () => `192.0.2.${100 + Math.floor(Math.random() * 150)}`;

export const revokeAllSessions: Drill = {
  name: 'revoke-all-sessions',
  service: 'booking',
  title: 'Authentication bypass: revoke all sessions',
  explain:
    'A user logs in; then the booking stand-in starts accepting any token (an authentication bypass) and an ' +
    'attacker forges one. The drill plays the responder of the 6FB playbook ("Revoke all active sessions"): ' +
    'it opens a P1 authentication-bypass incident and revokes all sessions through the API, without changing ' +
    "the app's JWT secret. Expected: every token issued before now gets 401 at the gateway, a fresh login works.",
  async run(ctx, run) {
    const CLIENT = client();
    let revokedAt = 0;
    const login = async () => {
      const a = await send(`${ctx.targets.booking}/auth/login`, {
        method: 'POST',
        headers: { ...xff(CLIENT), 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'frontdesk@6fb.test', password: DEMO_PASSWORD }),
      });
      if (a.status !== 200) throw new DrillFailure(`login answered ${a.status}`);
      return (a.json() as { access_token: string }).access_token;
    };
    const bookings = async (jwt: string) =>
      (
        await send(`${ctx.targets.booking}/bookings`, {
          headers: { ...xff(CLIENT), authorization: `Bearer ${jwt}` },
        })
      ).status;
    let old = '';
    await run.step('login', async () => {
      old = await login();
      const status = await bookings(old);
      if (status !== 200) throw new DrillFailure(`/bookings with a fresh token answered ${status}`);
      return 'frontdesk@6fb.test logged in; /bookings answers 200';
    });
    const forged = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('barber@6fb.test')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(randomBytes(32));
    await ctx.standins.booking.misbehave('auth-bypass');
    try {
      await run.step('bypass', async () => {
        const status = await bookings(forged);
        return status === 200
          ? 'auth bypass live: a forged token reaches /bookings (200)'
          : `auth bypass live in the app; the gateway's own signature check refuses the forged token (${status})`;
      });
      const incident = await ctx.api.openIncident({
        service: 'booking-api',
        title: 'Authentication bypass: forged tokens accepted',
        type: 'authentication-bypass',
        severity: 'P1',
      });
      run.useIncident(incident, false);
      const applied = performance.now();
      const m = await ctx.api.applyMitigation({
        service: 'booking-api',
        kind: 'revoke-all',
        target: '*',
        reason: 'authentication bypass: force re-authentication for all users (drill)',
        incidentId: incident.id,
      });
      run.useMitigation(m);
      revokedAt = Date.parse(m.createdAt);
      await waitFor(async () => (await bookings(old)) === 401, ctx.limits.waitMs, 'the old token refused');
      const forgedStatus = await bookings(forged);
      if (forgedStatus !== 401) throw new DrillFailure(`the forged token still answers ${forgedStatus}`);
      run.record(
        'revoke',
        performance.now() - applied,
        true,
        `all sessions revoked (${m.id}): the old and the forged token get 401`,
      );
    } finally {
      await ctx.standins.booking.misbehave('none');
    }
    await run.step('fresh-login', async () => {
      // iat has whole seconds: a token from the revocation's own second counts as issued before it.
      const wait = Math.min(2000, Math.max(0, Math.ceil((revokedAt + 1000) / 1000) * 1000 - Date.now()));
      await new Promise((done) => setTimeout(done, wait));
      const status = await bookings(await login());
      if (status !== 200) throw new DrillFailure(`a fresh login's token answered ${status}`);
      return `app fixed; a fresh login works (waited ${wait} ms for the next whole second: iat has whole seconds)`;
    });
    if (run.incident) {
      await slackDelivered(ctx, run, run.incident.id);
      await tellStory(ctx, run, run.incident.id);
    }
  },
};
