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
    'signed download URL. Expected (SEC-API-02 §4.2 "Token Compromise", SEV-1): a token-compromise incident whose ' +
    "scope names the event's tenant and event (the app's X-Tenant-Id / X-Event-Id), the token revoked at the " +
    'gateway (401, only its hash and preview stored); the drill then marks the incident mitigated, approves the ' +
    "held tenant e-mail and waits for its delivery (needs SMTP_URL and the tenant's RAMPART_TENANT_CONTACTS entry).",
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
    // Seed §4.2 "Notify tenant with replacement token instructions", §5 tenants "after mitigation": the
    // responder marks the incident mitigated, the tenant e-mail waits for approval, is approved and sent — to
    // the tenant the app named for this token (X-Tenant-Id), the only tenant in the incident's scope.
    const tenant = String(event.tenantId);
    await run.step('scope', async () => {
      const open = (await ctx.api.openIncidents('guest-api')).find((i) => i.id === incident.id);
      const scope = open?.scope;
      if (!scope?.tenants.includes(tenant) || !scope.events.includes(String(event.id)))
        throw new DrillFailure(
          `the scope names tenants [${scope?.tenants.join(', ') ?? ''}] and events [${scope?.events.join(', ') ?? ''}], not tenant ${tenant} and event ${event.id}`,
        );
      return `scope: tenant ${tenant}, event ${event.id}, ${scope.tokens.length} token(s) by hash; title "${open?.title ?? ''}"`;
    });
    await ctx.api.markMitigated(incident.id, `token ${preview} revoked at the gateway`);
    const held = await waitFor(
      async () =>
        (await ctx.api.notifications(incident.id)).find(
          (n) => n.channel === 'email' && n.target.tenant === tenant && n.status === 'held',
        ),
      ctx.limits.waitMs,
      `a tenant e-mail for tenant ${tenant} held for approval`,
    );
    await ctx.api.approveNotification(held.value.id);
    const sent = await waitFor(
      async () =>
        (await ctx.api.notifications(incident.id)).find(
          (n) => n.id === held.value.id && (n.status === 'delivered' || n.status === 'failed'),
        ),
      ctx.limits.waitMs,
      `the approved tenant e-mail sent`,
    );
    const error = sent.value.lastError ?? '';
    if (sent.value.status === 'delivered') {
      run.record(
        'tenant',
        sent.ms,
        true,
        `tenant ${tenant} e-mailed (${held.value.audience}) after approval, delivered ${Math.round(sent.ms)} ms later`,
      );
    } else if (/environment variable \S+ is not set|no contact address/.test(error)) {
      // Not configured (the quick start has no SMTP server): said as such, not counted as Rampart failing.
      run.record('tenant', sent.ms, true, `tenant ${tenant}'s e-mail approved but not sent: ${error}`);
    } else {
      throw new DrillFailure(`the tenant e-mail to tenant ${tenant} failed: ${error || 'unknown'}`);
    }
    await slackDelivered(ctx, run, incident.id);
    await tellStory(ctx, run, incident.id);
  },
};
