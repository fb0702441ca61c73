import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, sendMany, statusSummary } from '../http.js';
import { DEMO_PASSWORD, xff } from './shared.js';
import {
  pickNetwork,
  slackDelivered,
  tellStory,
  waitFor,
  waitForIncident,
  waitForMitigation,
} from '../watch.js';

const ADDRESSES = 50;
const EACH = 5;

export const requestFlood: Drill = {
  name: 'request-flood',
  service: 'booking',
  title: 'Request flood from many addresses of one network',
  explain:
    `${ADDRESSES} addresses of one /24 send ${EACH} authenticated GET /bookings each (${ADDRESSES * EACH} in all), every ` +
    'address far under the 100/60 s per-IP limit. Expected (6FB "Rate limiting being bypassed", "Review ' +
    'distributed attack patterns"): a P1 rate-limiting-bypass incident and the per-prefix limit tightened to ' +
    '200 for 30 min, so the /24 gets 429 with Retry-After.',
  async run(ctx, run) {
    const net = await pickNetwork(ctx, 'booking-api', '198.18.7');
    const prefix = `${net}.0/24`;
    let jwt = '';
    await run.step('login', async () => {
      const login = await send(`${ctx.targets.booking}/auth/login`, {
        method: 'POST',
        headers: { ...xff(`${net}.1`), 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'loadtest@6fb.test', password: DEMO_PASSWORD }),
      });
      if (login.status !== 200) throw new DrillFailure(`login answered ${login.status}`);
      jwt = (login.json() as { access_token: string }).access_token;
      return 'logged in as loadtest@6fb.test';
    });
    const since = Date.now();
    const total = Math.min(ADDRESSES * EACH, ctx.limits.maxRequests);
    await run.step('traffic', async () => {
      const answers = await sendMany(total, 20, (i) =>
        send(`${ctx.targets.booking}/bookings`, {
          headers: { ...xff(`${net}.${(i % ADDRESSES) + 10}`), authorization: `Bearer ${jwt}` },
        }),
      );
      return `sent ${total} requests from ${ADDRESSES} addresses of ${prefix}: ${statusSummary(answers)}`;
    });
    const after = performance.now();
    const incident = await waitForIncident(ctx, run, {
      service: 'booking-api',
      rules: ['rate-limit-bypass'],
      key: prefix,
      since,
      fromMs: after,
    });
    const throttle = await waitForMitigation(
      ctx,
      run,
      'booking-api',
      (m) => m.kind === 'limit-override' && m.target === 'per-prefix' && m.incidentId === incident.id,
      'per-prefix limit override',
    );
    const limited = await waitFor(
      async () => {
        const a = await send(`${ctx.targets.booking}/bookings`, {
          headers: { ...xff(`${net}.222`), authorization: `Bearer ${jwt}` },
        });
        return a.status === 429 ? a : undefined;
      },
      ctx.limits.waitMs,
      `429 for a new address of ${prefix}`,
    );
    run.record(
      'throttle',
      performance.now() - after,
      true,
      `per-prefix limit tightened to ${typeof throttle.data.limit === 'number' ? throttle.data.limit : '?'} (${throttle.id}): a new address of ${prefix} gets 429, Retry-After ${limited.value.headers['retry-after'] ?? '-'} s`,
    );
    await slackDelivered(ctx, run, incident.id);
    await tellStory(ctx, run, incident.id);
  },
};
