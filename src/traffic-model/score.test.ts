import { describe, expect, it } from 'vitest';
import { ruleSchema } from '../playbook/schema/detection.js';
import type { Playbook } from '../playbook/index.js';
import { seedPlaybook } from '../detector/testing/events.js';
import { buildScenario } from './scenario.js';
import type { Score } from './score.js';
import { scoreScenario } from './score.js';
import { createGatewayModel } from './gateway-decision.js';
import { hashToken, previewToken } from '../shared/secrets.js';

/** What must be zero on ordinary traffic, and every attack with how it was caught, for a readable failure. */
const verdict = (score: Score) => ({
  pages: score.normal.pages,
  automaticMitigations: score.normal.automaticMitigations,
  guestsAnswered429: score.normal.limited,
  missed: score.attacks.filter((a) => !a.caught).map((a) => a.name),
});

describe('the traffic model', () => {
  it('is deterministic from its seed', () => {
    const a = buildScenario('6fb-monday', { seed: 7, size: 300 });
    const b = buildScenario('6fb-monday', { seed: 7, size: 300 });
    const c = buildScenario('6fb-monday', { seed: 8, size: 300 });
    expect(b.requests).toEqual(a.requests);
    expect(c.requests).not.toEqual(a.requests);
  });

  it("holds the Saturday's hard cases: a venue's guests behind one address, a 500-guest token, a whole gallery saved, 800 uploads", () => {
    const { requests } = buildScenario('fotospiel-saturday', { attacks: false, size: 12, seed: 3 });
    const byIp = new Map<string, number>();
    const uploads = new Map<string, number>();
    const downloadsByIp = new Map<string, number>();
    for (const r of requests) {
      byIp.set(r.ip, (byIp.get(r.ip) ?? 0) + 1);
      if (r.method === 'POST' && r.userAgent.startsWith('Lightroom')) uploads.set(r.ip, (uploads.get(r.ip) ?? 0) + 1);
      if (r.path.startsWith('/api/v1/downloads/') && !r.path.includes('_thumb'))
        downloadsByIp.set(r.ip, (downloadsByIp.get(r.ip) ?? 0) + 1);
    }
    expect(Math.max(...byIp.values())).toBeGreaterThan(5_000);
    expect(Math.max(...uploads.values())).toBeGreaterThanOrEqual(800);
    expect(Math.max(...downloadsByIp.values())).toBeGreaterThanOrEqual(400);
    expect(requests.every((r) => r.attack === null)).toBe(true);
  });
});

describe('the gateway model', () => {
  it("emits the gateway's events: the token hashed, its preview in the path, never the token itself", async () => {
    const scenario = buildScenario('fotospiel-saturday', { attacks: false, size: 2, seed: 5 });
    const gateway = createGatewayModel(await seedPlaybook('fotospiel-public-api.yaml'), 'k');
    const req = scenario.requests.find((r) => r.path.startsWith('/api/v1/gallery/'));
    if (req === undefined) throw new Error('no gallery request in the model');
    const token = req.path.split('/')[4] ?? '';
    const event = gateway.decide(req);
    expect(event).toMatchObject({ route: '/api/v1/gallery/{token}/*', tokenHash: hashToken(token, 'k'), decision: 'allowed' });
    expect(event.path).toBe(`/api/v1/gallery/${previewToken(token)}/photos`);
    expect(JSON.stringify(event)).not.toContain(token);
  });
});

describe('the shipped playbooks on the model', () => {
  it('a busy Saturday: no page, no automatic mitigation, no guest answered 429; every attack caught', async () => {
    const score = scoreScenario(await seedPlaybook('fotospiel-public-api.yaml'), buildScenario('fotospiel-saturday'), 'k');
    expect(verdict(score)).toEqual({ pages: 0, automaticMitigations: 0, guestsAnswered429: 0, missed: [] });
    const caught = new Map(score.attacks.map((a) => [a.name, a.caughtBy]));
    expect(caught.get('token-enumeration')).toContain('token-enumeration');
    expect(caught.get('token-mass-download')).toEqual(['token-leak']);
    expect(caught.get('datacentre-scrape')).toEqual(['token-scraped']);
    expect(caught.get('slow-enumeration-16')).toContain('token-enumeration-network');
    expect(caught.get('slow-enumeration-24s')).toContain('token-enumeration-spread');
    expect(caught.get('gallery-harvest')).toEqual(['mass-download']);
    // The standard HTTP pack, included in the playbook, catches the scanner and raises nothing on the guests.
    expect(caught.get('scanner')).toContain('http-sensitive-files');
    expect(score.normal.signals).toBe(0);
    // The drills' attacks are caught within seconds.
    for (const a of score.attacks.filter((x) => x.drill !== null && x.timeToIncidentMs !== null))
      expect(a.timeToIncidentMs).toBeLessThan(60_000);
  }, 300_000);

  it('a Monday-morning booking peak: no page, no automatic mitigation; every attack caught', async () => {
    const score = scoreScenario(await seedPlaybook('6fb-booking.yaml'), buildScenario('6fb-monday'), 'k');
    expect(verdict(score)).toEqual({ pages: 0, automaticMitigations: 0, guestsAnswered429: 0, missed: [] });
    const caught = new Map(score.attacks.map((a) => [a.name, a.caughtBy]));
    expect(caught.get('botnet-stuffing')).toContain('credential-stuffing-distributed');
    expect(caught.get('revoke-all-sessions')).toContain('forged-tokens');
    expect(caught.get('xff-spoofing')).toContain('gateway limits (429)');
  }, 300_000);

  it("the seed's token-leak rule and limits fail the same Saturday: pages, a wedding's token revoked, guests 429'd", async () => {
    const shipped = await seedPlaybook('fotospiel-public-api.yaml');
    const seedRule = ruleSchema.parse({
      name: 'token-leak',
      incident_type: 'token-compromise',
      severity: 'SEV-1',
      source: 'gateway',
      filter: { route: ['event-api', 'gallery'] },
      group_by: ['token'],
      trigger: { type: 'distinct', field: 'ip', count: 50, window: '10m' },
      mitigation: { action: 'revoke-token', token: 'join-token', automatic: true },
    });
    const gateway = shipped.gateway as NonNullable<Playbook['gateway']>;
    const seed: Playbook = {
      ...shipped,
      gateway: {
        ...gateway,
        rate_limits: gateway.rate_limits.map((l) => ({ ...l, limit: l.key === 'ip' ? 100 : 300, burst: 0 })),
      },
      detection: { ...shipped.detection, rules: shipped.detection.rules.map((r) => (r.name === 'token-leak' ? seedRule : r)) },
    };
    const score = scoreScenario(seed, buildScenario('fotospiel-saturday', { attacks: false, size: 12 }), 'k');
    expect(score.normal.pages).toBeGreaterThan(0);
    expect(score.normal.automaticMitigations).toBeGreaterThan(0);
    expect(score.signals.filter((s) => s.rule === 'token-leak').length).toBeGreaterThan(0);
    expect(score.normal.limited).toBeGreaterThan(1_000);
  }, 300_000);
});
