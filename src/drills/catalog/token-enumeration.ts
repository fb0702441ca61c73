import { randomBytes } from 'node:crypto';
import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, sendMany, statusSummary } from '../http.js';
import { knownGoodToken, xff } from './shared.js';
import {
  pickNetwork,
  slackDelivered,
  tellStory,
  waitFor,
  waitForIncident,
  waitForMitigation,
} from '../watch.js';

const ADDRESSES = 25;

export const tokenEnumeration: Drill = {
  name: 'token-enumeration',
  service: 'guest',
  title: 'Join-token enumeration from one /24',
  explain:
    '25 addresses of one /24 each guess a different join token on /api/v1/events/{token}/stats (one request each, ' +
    'under every per-IP limit). Expected (SEC-API-02 §2, "repeated invalid_token from single IP range"): a SEV-2 ' +
    'brute-force incident with the addresses of the /24 in its scope, the /24 blocked for 1 h (403), everyone else still served, ' +
    'the on-call told in Slack.',
  async run(ctx, run) {
    const net = await pickNetwork(ctx, 'guest-api', '203.0.113');
    const prefix = `${net}.0/24`;
    const since = Date.now();
    await run.step('traffic', async () => {
      const answers = await sendMany(ADDRESSES, 5, (i) =>
        send(`${ctx.targets.guest}/api/v1/events/${randomBytes(12).toString('hex')}/stats`, {
          headers: xff(`${net}.${i + 1}`),
        }),
      );
      if (answers.some((a) => a.status < 400))
        throw new DrillFailure(`a guessed token was accepted: ${statusSummary(answers)}`);
      return `sent ${ADDRESSES} requests with ${ADDRESSES} different join tokens from ${prefix}: ${statusSummary(answers)}`;
    });
    const after = performance.now();
    const incident = await waitForIncident(ctx, run, {
      service: 'guest-api',
      rules: ['token-enumeration'],
      key: prefix,
      since,
      fromMs: after,
    });
    if (incident.severity !== 'SEV-2') throw new DrillFailure(`expected SEV-2, got ${incident.severity}`);
    const block = await waitForMitigation(
      ctx,
      run,
      'guest-api',
      (m) => m.kind === 'block' && m.target === prefix,
      `block of ${prefix}`,
    );
    const token = await knownGoodToken(ctx);
    const enforced = await waitFor(
      async () =>
        (await send(`${ctx.targets.guest}/api/v1/events/${token}/stats`, { headers: xff(`${net}.250`) }))
          .status === 403,
      ctx.limits.waitMs,
      `403 for ${net}.250 at the gateway`,
    );
    run.record(
      'block',
      performance.now() - after,
      true,
      `block ${prefix} (${block.id}, by ${block.author}, until ${block.expiresAt ?? 'lifted'}) enforced: ${net}.250 gets 403 (${Math.round(enforced.ms)} ms after the mitigation was seen)`,
    );
    await run.step('others', async () => {
      const other = await send(`${ctx.targets.guest}/api/v1/events/${token}/stats`, {
        headers: xff('192.0.2.200'),
      });
      if (other.status !== 200) throw new DrillFailure(`a guest outside ${prefix} got ${other.status}`);
      return 'a guest outside the /24 with a valid token still gets 200';
    });
    await slackDelivered(ctx, run, incident.id);
    await tellStory(ctx, run, incident.id);
  },
};
