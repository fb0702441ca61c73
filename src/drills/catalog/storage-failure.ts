import type { Incident } from '../../domain/incident.js';
import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, sendMany, statusSummary } from '../http.js';
import { xff } from './shared.js';
import { pickNetwork, slackDelivered, tellStory, waitFor } from '../watch.js';

const REQUESTS = 60;
const DETECT_WAIT_MS = 3000;

export const storageFailure: Drill = {
  name: 'storage-failure',
  service: 'guest',
  title: 'Downstream storage lost: fail closed',
  explain:
    'The guest stand-in loses its storage disk: gallery, photos and uploads answer 500 and laravel.log fills ' +
    'with storage errors. The drill plays the responder of SEC-API-02 §4.3 ("if due to downstream storage, fail ' +
    'closed: return 503 with maintenance banner"): it takes the internal-failure incident (or opens one), turns ' +
    'maintenance on through the API, checks 503 + banner + Retry-After with /health exempt, then heals the ' +
    'stand-in and lifts maintenance.',
  async run(ctx, run) {
    const net = await pickNetwork(ctx, 'guest-api', '198.18.30');
    // A fresh event, its guests on 10 addresses of one /24 (a venue's few public addresses): 30 addresses of one
    // /24 on one token within minutes is what the token-leak rule calls a leak.
    const token = (await ctx.standins.guest.createEvent()).joinToken;
    const gallery = `${ctx.targets.guest}/api/v1/gallery/${token}/photos`;
    await ctx.standins.guest.misbehave('storage-lost');
    let maintenanceId: string | null = null;
    try {
      const since = Date.now();
      await run.step('traffic', async () => {
        const answers = await sendMany(REQUESTS, 10, (i) =>
          send(gallery, { headers: xff(`${net}.${(i % 10) + 1}`) }),
        );
        return `storage lost; sent ${REQUESTS} gallery requests: ${statusSummary(answers)}`;
      });
      let incident: Incident | undefined;
      await run.step('incident', async () => {
        const found = await waitFor(
          async () =>
            (await ctx.api.openIncidents('guest-api')).find(
              (i) => i.type === 'internal-failure' && Date.parse(i.updatedAt) >= since - 1000,
            ),
          DETECT_WAIT_MS,
          'detected',
        ).catch(() => undefined);
        if (found) {
          incident = found.value;
          return `detector raised ${incident.id} ${incident.severity} (${incident.type ?? '-'})`;
        }
        incident = await ctx.api.openIncident({
          service: 'guest-api',
          title: 'Downstream storage failure: gallery answering 500',
          type: 'internal-failure',
          severity: 'SEV-2',
        });
        return `no detector signal within ${DETECT_WAIT_MS / 1000} s; responder opened ${incident.id} ${incident.severity}`;
      });
      if (!incident) throw new DrillFailure('no incident');
      run.useIncident(incident, false);
      const applied = performance.now();
      const m = await ctx.api.applyMitigation({
        service: 'guest-api',
        kind: 'maintenance',
        target: '*',
        reason: 'storage lost: fail closed while running storage diagnostics (SEC-API-02 §4.3)',
        forMs: 30 * 60_000,
        incidentId: incident.id,
      });
      maintenanceId = m.id;
      run.useMitigation(m);
      const closed = await waitFor(
        async () => {
          const a = await send(gallery, { headers: xff('192.0.2.204') });
          return a.status === 503 ? a : undefined;
        },
        ctx.limits.waitMs,
        '503 at the gateway',
      );
      const banner = (closed.value.json() as { error?: { message?: string } }).error?.message ?? '';
      const retry = closed.value.headers['retry-after'];
      if (!banner || !retry) throw new DrillFailure(`503 without ${banner ? 'Retry-After' : 'a banner'}`);
      run.record(
        'maintenance',
        performance.now() - applied,
        true,
        `maintenance on (${m.id}): 503 "${banner}", Retry-After ${retry} s`,
      );
      await run.step('health', async () => {
        const h = await send(`${ctx.targets.guest}/health`);
        if (h.status !== 200) throw new DrillFailure(`/health answered ${h.status} during maintenance`);
        return '/health is exempt and still answers 200';
      });
      await ctx.standins.guest.misbehave('none');
      await run.step('recovery', async () => {
        await ctx.api.liftMitigation(m.id, 'storage restored (drill)');
        maintenanceId = null;
        await waitFor(
          async () => (await send(gallery, { headers: xff('192.0.2.204') })).status === 200,
          ctx.limits.waitMs,
          'gallery 200 again',
        );
        return 'storage restored, maintenance lifted: the gallery answers 200';
      });
      await slackDelivered(ctx, run, incident.id);
      await tellStory(ctx, run, incident.id);
    } finally {
      await ctx.standins.guest.misbehave('none');
      if (maintenanceId)
        await ctx.api.liftMitigation(maintenanceId, 'drill ended early').catch(() => undefined);
    }
  },
};
