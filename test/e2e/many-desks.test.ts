import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import type { Mitigation } from '../../src/domain/mitigation.js';
import type { TimelineEntry } from '../../src/domain/timeline.js';
import { startHttpReceiver, type HttpReceiver } from '../../src/notify/testing/http-receiver.js';
import { checkPagerDutyRequest, checkSlackRequest } from '../../src/notify/testing/wire-checks.js';
import { postgresEngine, type EngineTarget } from '../../src/store/testing/contract-engines.js';
import { CLI, startRampartUp, type RampartUp } from '../support/rampart-up-process.js';
import { sendMany, xff } from '../support/story.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';

/** Attacks, each from its own /24 (a block from one must not stop the next). */
const NETWORKS = ['203.0.113', '198.51.100', '192.0.2'];
const GUESSES = 50;
const SLACK_DELAY_MS = 9_000;

/**
 * The acceptance of "many desks, one truth", from the outside: two `rampart up` processes on one PostgreSQL
 * schema, each with its own gateways, detector, desk and dispatcher; one token enumeration from a /24 split
 * across their two guest gateways (each sees enough to fire); a Slack that answers after 9 s. Exactly one
 * incident per attack, one page per audience, one block — and both desks really handled the attack.
 */
describe('two rampart up processes on one PostgreSQL schema', () => {
  let ws: Workspace;
  let target: EngineTarget;
  let slack: HttpReceiver;
  let pagerduty: HttpReceiver;
  const desks: RampartUp[] = [];
  let auth: Record<string, string>;

  beforeAll(async () => {
    expect(existsSync(CLI), 'run `npm run build` first (npm test does)').toBe(true);
    // The stand-in app refuses every guessed join token, as the real one does.
    ws = await createWorkspace((req, res) => {
      req.resume();
      req.on('end', () => {
        const guessed = (req.url ?? '').startsWith('/api/v1/events/');
        res.writeHead(guessed ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(guessed ? { error: 'invalid_token' } : { ok: true }));
      });
    });
    target = await postgresEngine('rampart_e2e').create();
    slack = await startHttpReceiver({ check: checkSlackRequest, delayMs: SLACK_DELAY_MS });
    pagerduty = await startHttpReceiver({
      check: checkPagerDutyRequest,
      fallback: { status: 202, body: '{"status":"success"}' },
    });
    const env = {
      DATABASE_URL: target.url,
      RAMPART_TOKEN_KEY: randomBytes(32).toString('hex'),
      SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/oncall`,
      SLACK_SUPPORT_WEBHOOK_URL: `${slack.url}/services/T0/B1/support`,
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdef012345',
      RAMPART_PAGERDUTY_EVENTS_URL: `${pagerduty.url}/v2/enqueue`,
    };
    // One after the other: the first creates the schema and the admin key, the second finds both.
    desks.push(await startRampartUp(ws.cwd, env));
    desks.push(await startRampartUp(ws.cwd, env));
    const key = readFileSync(join(ws.cwd, '.rampart', 'admin.key'), 'utf8').trim();
    auth = { authorization: `Bearer ${key}` };
  }, 90_000);
  afterAll(async () => {
    // A desk waits for the send in flight (up to the 9 s Slack) before it exits.
    for (const d of desks) expect(await d.stop()).toBe(0);
    await Promise.all([slack?.close(), pagerduty?.close(), ws?.close()]);
    await target?.drop();
  }, 60_000);

  const api = async <T>(desk: RampartUp, path: string): Promise<T> => {
    const res = await fetch(`${desk.apiUrl}${path}`, { headers: auth });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const incidentsOf = async (prefix: string): Promise<Incident[]> =>
    (
      await api<{ incidents: Incident[] }>(desks[0]!, '/v1/incidents?service=guest-api&limit=100')
    ).incidents.filter((i) => i.fingerprint === `guest-api:token-enumeration:${prefix}`);
  const slackFor = (id: string, audience: 'oncall' | 'support') =>
    slack.requests.filter((r) => r.path.endsWith(`/${audience}`) && r.body.includes(`${id} ·`));
  const triggersFor = (id: string) =>
    pagerduty.requests.filter((r) => {
      const body = JSON.parse(r.body) as { dedup_key?: string; event_action?: string };
      return body.dedup_key === `rampart-${id}` && body.event_action === 'trigger';
    });

  it('opens one incident per attack split across both gateways and pages each audience once', async () => {
    expect(Object.keys(desks[0]!.gateways)).toContain('guest-api');
    const opened: { prefix: string; id: string }[] = [];
    for (const net of NETWORKS) {
      const prefix = `${net}.0/24`;
      const started = performance.now();
      // Every address sends one guess to each desk's gateway: 25 distinct tokens per detector, over its 20.
      const statuses = await sendMany(GUESSES, 6, (i) =>
        fetch(
          `${desks[i % 2]!.gateways['guest-api']}/api/v1/events/${randomBytes(12).toString('hex')}/stats`,
          {
            headers: xff(`${net}.${Math.floor(i / 2) + 1}`),
          },
        ),
      );
      expect(statuses.every((s) => s === 404 || s === 403)).toBe(true);
      // Both detectors fired and both desks handled their signal: two signal entries, on however many
      // incidents the desks opened for the attack (one, if the database decided).
      const signalsOn = async (incidents: Incident[]) => {
        let n = 0;
        for (const i of incidents) {
          const { timeline } = await api<{ timeline: TimelineEntry[] }>(
            desks[1]!,
            `/v1/incidents/${i.id}/timeline`,
          );
          n += timeline.filter((e) => e.kind === 'signal').length;
        }
        return n;
      };
      await waitFor(async () => (await signalsOn(await incidentsOf(prefix))) === 2, 30_000, 200);
      const forAttack = await incidentsOf(prefix);
      expect(forAttack, `incidents for ${prefix}`).toHaveLength(1);
      const incident = forAttack[0];
      await waitFor(
        () =>
          Promise.resolve(
            slackFor(incident!.id, 'oncall').length > 0 &&
              slackFor(incident!.id, 'support').length > 0 &&
              triggersFor(incident!.id).length > 0,
          ),
        60_000,
        100,
      );
      console.log(
        `  ✓ ${prefix}: ${incident!.id}, on-call and support reached ${Math.round(performance.now() - started)} ms after the first guess (Slack answers each ${SLACK_DELAY_MS} ms later)`,
      );
      opened.push({ prefix, id: incident!.id });
    }

    // A late second copy would come a Slack delay after the first: wait that long before counting.
    await new Promise((done) => setTimeout(done, SLACK_DELAY_MS + 3_000));
    for (const { prefix, id } of opened) {
      expect((await incidentsOf(prefix)).map((i) => i.id)).toEqual([id]);
      expect({
        oncallSlack: slackFor(id, 'oncall').length,
        supportSlack: slackFor(id, 'support').length,
        pagerDutyTriggers: triggersFor(id).length,
      }).toEqual({ oncallSlack: 1, supportSlack: 1, pagerDutyTriggers: 1 });
      const { mitigations } = await api<{ mitigations: Mitigation[] }>(desks[1]!, `/v1/incidents/${id}`);
      expect(mitigations.filter((m) => m.kind === 'block').map((m) => m.target)).toEqual([prefix]);
      const { notifications } = await api<{ notifications: { status: string }[] }>(
        desks[1]!,
        `/v1/notifications?incident=${id}`,
      );
      expect(notifications.map((n) => n.status)).toEqual(['delivered', 'delivered', 'delivered']);
    }
    // Each desk's gateway enforces the one block, whichever desk applied it.
    for (const d of desks) {
      await waitFor(
        async () =>
          (
            await fetch(`${d.gateways['guest-api']}/api/v1/events/anything/stats`, {
              headers: xff(`${NETWORKS[0]}.250`),
            })
          ).status === 403,
        10_000,
        100,
      );
    }
  }, 300_000);
});
