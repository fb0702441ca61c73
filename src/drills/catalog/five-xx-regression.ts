import type { Incident } from '../../domain/incident.js';
import type { Drill } from '../drill.js';
import { DrillFailure } from '../drill.js';
import { send, sendMany, statusSummary, type Answer } from '../http.js';
import { xff } from './shared.js';
import { pickNetwork, tellStory, slackDelivered, waitFor } from '../watch.js';

const BATCH = 50;
const ADDRESSES = 40;
const RULES = ['error-spike', 'event-errors'];

export const fiveXxRegression: Drill = {
  name: '5xx-regression',
  service: 'guest',
  title: 'A release that answers 500',
  explain:
    'The guest stand-in is told to answer 500 (a bad release); guests keep using the event API, in batches of ' +
    `${BATCH}, until Rampart reacts or the request budget is spent. Expected (SEC-API-02 §2/§4.3): an ` +
    'internal-failure incident (SEV-1 "wide outage >50% error rate", or SEV-2 for one event), the on-call told; ' +
    'no automatic mitigation (the playbook says roll back). The stand-in is healed at the end.',
  async run(ctx, run) {
    const net = await pickNetwork(ctx, 'guest-api', '198.18.9');
    // Fresh events, and fewer than 50 addresses per token: the token-leak rule must not mistake guests for a leak.
    const tokens = [
      (await ctx.standins.guest.createEvent()).joinToken,
      (await ctx.standins.guest.createEvent()).joinToken,
    ];
    await ctx.standins.guest.misbehave('errors');
    const since = Date.now();
    let incident: Incident | undefined;
    const answers: Answer[] = [];
    let after = performance.now();
    try {
      await run.step('traffic', async () => {
        const seen = async () =>
          (await ctx.api.openIncidents('guest-api')).find(
            (i) =>
              RULES.some((r) => (i.fingerprint ?? '').startsWith(`guest-api:${r}:`)) &&
              Date.parse(i.updatedAt) >= since - 1000,
          );
        while (answers.length + BATCH <= ctx.limits.maxRequests && !incident) {
          const base = answers.length;
          answers.push(
            ...(await sendMany(BATCH, 10, (i) =>
              send(`${ctx.targets.guest}/api/v1/events/${tokens[(base + i) % tokens.length] ?? ''}/stats`, {
                headers: xff(`${net}.${((base + i) % ADDRESSES) + 1}`),
              }),
            )),
          );
          after = performance.now();
          incident = await seen();
          if (!incident) incident = (await waitFor(seen, 400, 'incident', 50).catch(() => undefined))?.value;
        }
        return `stand-in answering 500; sent ${answers.length} guest requests from ${net}.0/24: ${statusSummary(answers)}`;
      });
    } finally {
      await ctx.standins.guest.misbehave('none');
    }
    if (!incident) throw new DrillFailure(`no internal-failure incident after ${answers.length} requests`);
    const joined = Date.parse(incident.createdAt) < since - 1000;
    run.useIncident(incident, joined);
    run.record(
      'incident',
      performance.now() - after,
      true,
      `incident ${incident.id} ${incident.severity} (${incident.type ?? '-'}) ${joined ? 'joined' : 'opened'}: "${incident.title}"`,
    );
    const auto = (await ctx.api.mitigations('guest-api')).filter((m) => m.incidentId === incident?.id);
    run.record(
      'mitigation',
      0,
      auto.length === 0,
      auto.length === 0
        ? 'no automatic mitigation, as the playbook says (roll back by hand)'
        : `unexpected mitigations: ${auto.map((m) => m.kind).join(', ')}`,
    );
    await run.step('recovered', async () => {
      const ok = await send(`${ctx.targets.guest}/api/v1/events/${tokens[0] ?? ''}/stats`, {
        headers: xff('192.0.2.202'),
      });
      if (ok.status !== 200) throw new DrillFailure(`after the fix the event API answers ${ok.status}`);
      return 'stand-in healed: the event API answers 200 again';
    });
    await slackDelivered(ctx, run, incident.id);
    await tellStory(ctx, run, incident.id);
  },
};
