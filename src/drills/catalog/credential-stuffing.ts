import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, statusSummary, type Answer } from '../http.js';
import { xff } from './shared.js';
import {
  pickNetwork,
  slackDelivered,
  tellStory,
  waitFor,
  waitForIncident,
  waitForMitigation,
} from '../watch.js';

const ATTEMPTS = 25;

export const credentialStuffing: Drill = {
  name: 'credential-stuffing',
  service: 'booking',
  title: 'Credential stuffing on /auth/login from one address',
  explain:
    `One address tries ${ATTEMPTS} accounts with wrong passwords on POST /auth/login. Expected (6FB "Failed ` +
    'authentication attempts", P1): the login limit answers 429 after 10 tries, a P1 credential-stuffing ' +
    'incident opens, the address is blocked for 1 h (403 on every route), other clients are unaffected.',
  async run(ctx, run) {
    const ip = `${await pickNetwork(ctx, 'booking-api', '198.51.100')}.66`;
    const since = Date.now();
    await run.step('traffic', async () => {
      const answers: Answer[] = [];
      for (let i = 1; i <= ATTEMPTS; i++) {
        answers.push(
          await send(`${ctx.targets.booking}/auth/login`, {
            method: 'POST',
            headers: { ...xff(ip), 'content-type': 'application/json' },
            body: JSON.stringify({ username: `guest${i}@example.test`, password: 'Winter2025!' }),
          }),
        );
      }
      if (answers.some((a) => a.status === 200)) throw new DrillFailure('a wrong password logged in');
      const firstLimited = answers.findIndex((a) => a.status === 429);
      return `sent ${ATTEMPTS} failed logins from ${ip}: ${statusSummary(answers)}${firstLimited >= 0 ? ` (the login limit answered 429 from attempt ${firstLimited + 1})` : ''}`;
    });
    const after = performance.now();
    const incident = await waitForIncident(ctx, run, {
      service: 'booking-api',
      rules: ['credential-stuffing-ip'],
      key: ip,
      since,
      fromMs: after,
    });
    if (incident.severity !== 'P1') throw new DrillFailure(`expected P1, got ${incident.severity}`);
    const block = await waitForMitigation(
      ctx,
      run,
      'booking-api',
      (m) => m.kind === 'block' && m.target === ip,
      `block of ${ip}`,
    );
    await waitFor(
      async () => (await send(`${ctx.targets.booking}/bookings`, { headers: xff(ip) })).status === 403,
      ctx.limits.waitMs,
      `403 for ${ip}`,
    );
    run.record(
      'block',
      performance.now() - after,
      true,
      `block ${ip} (${block.id}, by ${block.author}) enforced: /bookings answers 403`,
    );
    await run.step('others', async () => {
      const other = await send(`${ctx.targets.booking}/health`, { headers: xff('192.0.2.201') });
      if (other.status !== 200) throw new DrillFailure(`another client got ${other.status} on /health`);
      return 'another client still gets 200 on /health';
    });
    await slackDelivered(ctx, run, incident.id);
    await tellStory(ctx, run, incident.id);
  },
};
