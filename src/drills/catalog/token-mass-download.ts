import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, sendMany, statusSummary } from '../http.js';
import { previewToken } from '../../shared/secrets.js';
import { xff } from './shared.js';
import {
  pickNetwork,
  slackDelivered,
  tellStory,
  waitFor,
  waitForIncident,
  waitForMitigation,
} from '../watch.js';

const ADDRESSES = 55;

export const tokenMassDownload: Drill = {
  name: 'token-mass-download',
  service: 'guest',
  title: 'A leaked join token used for a mass download',
  explain:
    `A fresh event's join token is "leaked": ${ADDRESSES} addresses list its gallery and fetch a photo through the ` +
    'signed download URL. Expected (SEC-API-02 §4.2 "Token Compromise", SEV-1): a token-compromise incident, the ' +
    'token revoked at the gateway (401, only its hash and preview stored), the tenant e-mail held for approval.',
  async run(ctx, run) {
    const net = await pickNetwork(ctx, 'guest-api', '198.18.20');
    const event = await ctx.standins.guest.createEvent();
    const token = event.joinToken;
    const preview = previewToken(token);
    const since = Date.now();
    await run.step('traffic', async () => {
      const answers = await sendMany(ADDRESSES, 10, async (i) => {
        const headers = xff(`${net}.${i + 1}`);
        const list = await send(`${ctx.targets.guest}/api/v1/gallery/${token}/photos`, { headers });
        if (list.status !== 200) return list;
        const photos = (list.json() as { photos: { download_url: string }[] }).photos;
        const url = photos[i % photos.length]?.download_url ?? '';
        return send(`${ctx.targets.guest}${url}`, { headers });
      });
      return `token ${preview} of event ${event.id} used from ${ADDRESSES} addresses of ${net}.0/24 (gallery + signed download each): downloads ${statusSummary(answers)}`;
    });
    const after = performance.now();
    const incident = await waitForIncident(ctx, run, {
      service: 'guest-api',
      rules: ['token-leak'],
      since,
      fromMs: after,
    });
    if (incident.severity !== 'SEV-1') throw new DrillFailure(`expected SEV-1, got ${incident.severity}`);
    const revoked = await waitForMitigation(
      ctx,
      run,
      'guest-api',
      (m) => m.kind === 'revoke-token' && m.data.preview === preview,
      `revocation of ${preview}`,
    );
    await waitFor(
      async () =>
        (await send(`${ctx.targets.guest}/api/v1/gallery/${token}/photos`, { headers: xff('192.0.2.203') }))
          .status === 401,
      ctx.limits.waitMs,
      `401 for ${preview}`,
    );
    if (revoked.target.includes(token)) throw new DrillFailure('the full token is stored in the mitigation');
    run.record(
      'revoke',
      performance.now() - after,
      true,
      `token ${preview} revoked (${revoked.id}, stored as its keyed hash): the gallery answers 401`,
    );
    await run.step('tenant', async () => {
      const outbox = await ctx.api.notifications(incident.id);
      const email = outbox.find((n) => n.channel === 'email');
      return email
        ? `tenant e-mail (${email.audience}) is ${email.status}`
        : 'no tenant e-mail queued yet (it follows "mitigated")';
    });
    await slackDelivered(ctx, run, incident.id);
    await tellStory(ctx, run, incident.id);
  },
};
