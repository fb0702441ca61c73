import type { Incident } from '../domain/incident.js';
import type { Mitigation } from '../domain/mitigation.js';
import { DrillFailure, seconds, type DrillContext, type DrillRun } from './drill.js';

/** Polls `probe` until it returns a value or `timeoutMs` passes; the value and how long it took. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
  everyMs = 50,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false)
      return { value, ms: performance.now() - started };
    if (performance.now() - started >= timeoutMs)
      throw new DrillFailure(`${what}: not within ${seconds(timeoutMs)}`);
    await new Promise((done) => setTimeout(done, everyMs));
  }
}

/**
 * The open incident a rule's signal opened or joined since `since` (epoch ms): its fingerprint is
 * "service:rule:group". `rules` lists the acceptable rule names; `key` narrows to one group key.
 */
export async function waitForIncident(
  ctx: DrillContext,
  run: DrillRun,
  options: { service: string; rules: string[]; key?: string; since: number; fromMs: number },
): Promise<Incident> {
  const matches = (i: Incident) =>
    options.rules.some((rule) =>
      options.key === undefined
        ? (i.fingerprint ?? '').startsWith(`${options.service}:${rule}:`)
        : i.fingerprint === `${options.service}:${rule}:${options.key}`,
    ) && Date.parse(i.updatedAt) >= options.since - 1000;
  const label = `an open incident from ${options.rules.join(' or ')}${options.key ? ` for ${options.key}` : ''}`;
  let found: Incident;
  try {
    ({ value: found } = await waitFor(
      async () => (await ctx.api.openIncidents(options.service)).find(matches),
      ctx.limits.waitMs,
      label,
    ));
  } catch (error) {
    run.record(
      'incident',
      performance.now() - options.fromMs,
      false,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
  const joined = Date.parse(found.createdAt) < options.since - 1000;
  run.useIncident(found, joined);
  run.record(
    'incident',
    performance.now() - options.fromMs,
    true,
    `incident ${found.id} ${found.severity} (${found.type ?? 'no type'}) ${joined ? 'joined' : 'opened'}: "${found.title}"`,
  );
  return found;
}

/** Waits for a mitigation in force matching `fits`, and records it on the report. */
export async function waitForMitigation(
  ctx: DrillContext,
  run: DrillRun,
  service: string,
  fits: (m: Mitigation) => boolean,
  what: string,
): Promise<Mitigation> {
  const { value } = await waitFor(
    async () => (await ctx.api.mitigations(service)).find(fits),
    ctx.limits.waitMs,
    what,
  );
  run.useMitigation(value);
  return value;
}

/** The incident's Slack message, delivered (from the outbox); fails the step if it was not. */
export async function slackDelivered(ctx: DrillContext, run: DrillRun, incidentId: string): Promise<void> {
  await run.step('slack', async () => {
    try {
      const { value } = await waitFor(
        async () =>
          (await ctx.api.notifications(incidentId)).find(
            (n) => n.channel === 'slack' && n.status === 'delivered',
          ),
        ctx.limits.waitMs,
        'Slack message',
        100,
      );
      return `Slack message delivered to ${value.audience}`;
    } catch {
      const slack = (await ctx.api.notifications(incidentId)).filter((n) => n.channel === 'slack');
      throw new DrillFailure(
        slack.length === 0
          ? `no Slack message for ${incidentId} in the outbox`
          : `Slack message not delivered: ${slack.map((n) => `${n.status}${n.lastError ? ` (${n.lastError})` : ''}`).join(', ')}`,
      );
    }
  });
}

/** The incident's timeline as one line per entry, kept on the report and printed. */
export async function tellStory(ctx: DrillContext, run: DrillRun, incidentId: string): Promise<void> {
  const entries = await ctx.api.timeline(incidentId);
  run.timeline = entries.map((e) => `${e.at.slice(11, 23)} ${e.kind.padEnd(10)} ${e.summary}`);
  ctx.log(`  timeline of ${incidentId}:`);
  for (const line of run.timeline) ctx.log(`    ${line}`);
}

/**
 * A /24 to attack from: the preferred one unless an earlier run left it blocked or an incident about it open
 * (a rule's quiet period would hide the rerun); then a random /24 of 198.18.0.0/15 (RFC 2544 benchmarking).
 */
export async function pickNetwork(ctx: DrillContext, service: string, preferred: string): Promise<string> {
  const [mitigations, incidents] = await Promise.all([ctx.api.mitigations(), ctx.api.openIncidents(service)]);
  const taken = (net: string) =>
    mitigations.some((m) => m.target.startsWith(`${net}.`)) ||
    incidents.some((i) => (i.fingerprint ?? '').includes(`${net}.`));
  if (!taken(preferred)) return preferred;
  for (let i = 0; i < 20; i++) {
    const net = `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}`;
    if (!taken(net)) return net;
  }
  throw new DrillFailure("no free /24 to drill from: lift earlier drills' blocks (rampart mitigations)");
}
