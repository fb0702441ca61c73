import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestEvent } from '../detector/testing/events.js';
import {
  acknowledge,
  clearSignal,
  ingestSignal,
  openIncident,
  resolveIncident,
  type DeskContext,
} from '../desk/index.js';
import type { Incident } from '../domain/incident.js';
import { deskWithNotifier, fotospielPlaybook } from '../notify/testing/harness.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openStore, type Store } from '../store/index.js';
import { contractEngines, type EngineTarget } from '../store/testing/contract-engines.js';
import { createDetectionLoop, type DetectionLoop } from './detection-loop.js';

const ROUNDS = 100;
const engines = await contractEngines();
const silent = createLogger({ level: 'silent' });

interface Desk {
  store: Store;
  ctx: DeskContext;
  loop: DetectionLoop;
}

/**
 * Many desks, one truth. Two desks — each its own store connection, detector, desk and notifier, as two
 * `rampart up` processes have — share one database. On PostgreSQL each has its own pool; SQLite's second desk is
 * another process in real life (its driver is synchronous), so here both desks share the one connection.
 */
describe.each(engines)('two desks on one $name database', (engine) => {
  let target: EngineTarget;
  let playbook: Playbook;
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const desks: Desk[] = [];

  beforeAll(async () => {
    target = await engine.create();
    playbook = await fotospielPlaybook();
    const first = await openStore(target.url, { cwd: target.cwd });
    const second = engine.name === 'postgres' ? await openStore(target.url, { cwd: target.cwd }) : first;
    for (const store of [first, second]) {
      const { ctx } = deskWithNotifier({ store, clock, playbook, env: {}, logger: silent });
      const loop = createDetectionLoop({
        playbooks: [playbook],
        ctx: ctx('detector'),
        clock,
        tokenKey: 'many-desks-test-key-0123456789abcdef',
        logger: silent,
        cwd: tmpdir(),
      });
      desks.push({ store, ctx: ctx('detector'), loop });
    }
  });
  afterAll(async () => {
    for (const d of desks) await d.loop.stop();
    await desks[0]?.store.close();
    if (desks[1]?.store !== desks[0]?.store) await desks[1]?.store.close();
    await target?.drop();
  });

  const store = () => desks[0]!.store;
  const incidentsOf = async (fingerprint: string): Promise<Incident[]> =>
    (await store().incidents.list({ service: 'guest-api', limit: 10_000 })).filter(
      (i) => i.fingerprint === fingerprint,
    );
  /** Outbox rows of an incident per audience and channel, e.g. { "on-call/slack": 1 }. */
  const pagesOf = async (incidentId: string): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const m of await store().outbox.list({ incidentId })) {
      const key = `${m.audience}/${m.channel}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };
  const ONE_PAGE_PER_AUDIENCE = { 'on-call/slack': 1, 'on-call/pagerduty': 1, 'support/slack': 1 };

  it(`opens one incident for four concurrent signals with one fingerprint from both desks (${ROUNDS} rounds)`, async () => {
    const duplicates: string[] = [];
    const lost: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const prefix = `198.18.${round}.0/24`;
      const fingerprint = `guest-api:token-enumeration:${prefix}`;
      const signal = (desk: Desk, i: number) =>
        ingestSignal({
          ctx: desk.ctx,
          input: {
            service: 'guest-api',
            rule: 'token-enumeration',
            fingerprint,
            title: `Join-token enumeration from one network: ${prefix}`,
            severity: 'SEV-2',
            type: 'brute-force',
            groupKey: prefix,
            value: 20,
            threshold: 20,
            scope: { ips: [`198.18.${round}.${i + 1}`] },
          },
        });
      const answers = await Promise.all([0, 1, 2, 3].map((i) => signal(desks[i % 2]!, i)));
      const incidents = await incidentsOf(fingerprint);
      if (incidents.length !== 1) {
        duplicates.push(`round ${round}: ${incidents.length} incidents`);
        continue;
      }
      const incident = incidents[0]!;
      // Every signal is on the one timeline and every desk's addresses are in its scope: no join was lost.
      const seen = {
        opened: answers.filter((a) => !a.joined).length,
        answeredWithIt: answers.filter((a) => a.incident.id === incident.id).length,
        signals: (await store().timeline.list(incident.id)).filter((e) => e.kind === 'signal').length,
        ips: incident.scope.ips.length,
        pages: await pagesOf(incident.id),
      };
      const expected = { opened: 1, answeredWithIt: 4, signals: 4, ips: 4, pages: ONE_PAGE_PER_AUDIENCE };
      if (JSON.stringify(seen) !== JSON.stringify(expected))
        lost.push(`round ${round}: ${JSON.stringify(seen)}`);
    }
    expect({ duplicates, lost }).toEqual({ duplicates: [], lost: [] });
  }, 240_000);

  it(`handles one token enumeration split across both desks' detectors as one incident: one block, one snapshot, one page per audience (${ROUNDS} rounds)`, async () => {
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const net = `203.0.${round}`;
      const prefix = `${net}.0/24`;
      const start = clock.now().getTime();
      // 25 guesses reach each desk (the attack split across two gateways): each detector fires on its own.
      for (let i = 0; i < 50; i += 1) {
        desks[i % 2]!.loop.ingest(
          requestEvent({
            time: start + i * 100,
            ip: `${net}.${(i % 25) + 1}`,
            status: 404,
            route: '/api/v1/events/{token}/*',
            path: `/api/v1/events/r${round}g${i}…xx/stats`,
            tokenHash: `round-${round}-guess-${i}`,
            tokenPreview: `r${round}g${i}…`,
          }),
        );
      }
      await Promise.all(desks.map((d) => d.loop.idle()));
      clock.advance(3_600_000);

      const incidents = await incidentsOf(`guest-api:token-enumeration:${prefix}`);
      if (incidents.length !== 1) {
        problems.push(`round ${round}: ${incidents.length} incidents`);
        continue;
      }
      const incident = incidents[0]!;
      const mitigations = await store().mitigations.list({ incidentId: incident.id });
      const timeline = await store().timeline.list(incident.id);
      const snapshots = timeline.filter((e) => e.kind === 'evidence');
      const ticks = timeline.filter(
        (e) => e.kind === 'checklist' && e.data.automatic === 'evidence-snapshot',
      );
      const pages = await pagesOf(incident.id);
      const seen = {
        blocks: mitigations.filter((m) => m.kind === 'block' && m.target === prefix).length,
        mitigations: mitigations.length,
        snapshots: snapshots.length,
        ticks: ticks.length,
        signals: timeline.filter((e) => e.kind === 'signal').length,
      };
      const expected = { blocks: 1, mitigations: 1, snapshots: 1, ticks: 1, signals: 2 };
      if (JSON.stringify(seen) !== JSON.stringify(expected))
        problems.push(`round ${round}: ${JSON.stringify(seen)}`);
      if (JSON.stringify(pages) !== JSON.stringify(ONE_PAGE_PER_AUDIENCE))
        problems.push(`round ${round}: pages ${JSON.stringify(pages)}`);
    }
    expect(problems).toEqual([]);
  }, 480_000);

  it('joins an access-log rule and a gateway rule on one address and incident type into one incident; another type stays apart', async () => {
    const ip = '192.0.2.77';
    const [fromLog, fromGateway] = await Promise.all([
      ingestSignal({
        ctx: desks[0]!.ctx,
        input: {
          service: 'guest-api',
          rule: 'rate-limit-triggers',
          fingerprint: `guest-api:rate-limit-triggers:${ip}`,
          title: `Join-token rate limit firing: ${ip}`,
          severity: 'SEV-2',
          type: 'brute-force',
          groupKey: ip,
        },
      }),
      ingestSignal({
        ctx: desks[1]!.ctx,
        input: {
          service: 'guest-api',
          rule: 'mass-download',
          fingerprint: `guest-api:mass-download:${ip}`,
          title: `Malicious mass-download from the gallery: ${ip}`,
          severity: 'SEV-1',
          type: 'brute-force',
          groupKey: ip,
        },
      }),
    ]);
    expect(fromLog.incident.id).toBe(fromGateway.incident.id);
    const incident = await store().incidents.get(fromLog.incident.id);
    expect(incident).toMatchObject({ severity: 'SEV-1', correlationKey: `type:brute-force:${ip}` });
    const rules = (await store().timeline.list(incident!.id))
      .filter((e) => e.kind === 'signal')
      .map((e) => e.data.rule);
    expect(rules.sort()).toEqual(['mass-download', 'rate-limit-triggers']);

    const outage = await ingestSignal({
      ctx: desks[0]!.ctx,
      input: {
        service: 'guest-api',
        rule: 'app-errors',
        fingerprint: `guest-api:app-errors:${ip}`,
        title: 'Unexpected errors',
        type: 'internal-failure',
        groupKey: ip,
      },
    });
    expect(outage.joined).toBe(false);
    expect(outage.incident.id).not.toBe(incident!.id);

    // The condition clears on both desks (each had part of the attack): one clear on the timeline.
    const clear = {
      service: 'guest-api',
      rule: 'mass-download',
      fingerprint: `guest-api:mass-download:${ip}`,
      type: 'brute-force',
      groupKey: ip,
    };
    await Promise.all(desks.map((d) => clearSignal({ ctx: d.ctx, input: clear })));
    const clears = (await store().timeline.list(incident!.id)).filter((e) => e.data.cleared === true);
    expect(clears).toHaveLength(1);
  });

  it('frees the key on resolution; a reopened incident leaves it to the newer open one; a hand-opened duplicate is refused', async () => {
    const ip = '192.0.2.88';
    const input = {
      service: 'guest-api',
      rule: 'mass-download',
      fingerprint: `guest-api:mass-download:${ip}`,
      title: `Malicious mass-download from the gallery: ${ip}`,
      severity: 'SEV-1',
      type: 'brute-force',
      groupKey: ip,
    };
    const first = await ingestSignal({ ctx: desks[0]!.ctx, input });
    const person = { ...desks[0]!.ctx, actor: 'cli:alice', role: 'admin' as const };
    await resolveIncident({ ctx: person, input: { id: first.incident.id, override: { reason: 'test' } } });
    const second = await ingestSignal({ ctx: desks[1]!.ctx, input });
    expect(second.joined).toBe(false);
    expect(second.incident.id).not.toBe(first.incident.id);

    const reopened = await acknowledge({ ctx: person, input: { id: first.incident.id } });
    expect(reopened).toMatchObject({ status: 'acknowledged', correlationKey: null });
    const third = await ingestSignal({ ctx: desks[0]!.ctx, input });
    expect(third).toMatchObject({ joined: true, incident: { id: second.incident.id } });

    // By hand, a fingerprint without type and group key correlates as itself: a second one is refused (409).
    const byHand = { service: 'guest-api', title: 'By hand', fingerprint: 'manual:gallery-leak' };
    await openIncident({ ctx: person, input: byHand });
    await expect(openIncident({ ctx: person, input: byHand })).rejects.toMatchObject({
      code: 'RAMPART_CONFLICT',
    });
  });
});
