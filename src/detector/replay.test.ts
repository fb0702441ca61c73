import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestEvent } from '../domain/request-event.js';
import { hashToken, previewToken } from '../shared/secrets.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import { planFile, replayFiles } from './replay.js';
import { compileRule } from './rules/index.js';
import { ruleSchema } from '../playbook/schema/detection.js';
import type { Playbook, RuleSpec } from '../playbook/index.js';
import { getParser, ipPrefix } from './sources/index.js';
import { laravelLine, nginxLine } from './testing/log-lines.js';
import { prng } from './testing/fotospiel-traffic.js';
import { record, seedPlaybook, T0 } from './testing/events.js';

const KEY = 'live-and-replay-key-0123';
const S = 1000;
const M = 60 * S;
const ROUTES = { 'event-api': '/api/v1/events/{token}/*', gallery: '/api/v1/gallery/{token}/*' } as const;

interface Request {
  time: number;
  ip: string;
  route: keyof typeof ROUTES;
  token: string;
  status: number;
  durationMs: number;
}

/** The event the gateway emits for a request, and the nginx line the same request leaves in the access log. */
function gatewayEvent(r: Request): RequestEvent {
  const preview = previewToken(r.token);
  const base = r.route === 'gallery' ? '/api/v1/gallery' : '/api/v1/events';
  return {
    time: r.time,
    service: 'guest-api',
    source: 'gateway',
    method: 'GET',
    path: `${base}/${preview}/photos`,
    query: null,
    route: ROUTES[r.route],
    host: null,
    status: r.status,
    durationMs: r.durationMs,
    bytes: 10,
    ip: r.ip,
    ipPrefix: ipPrefix(r.ip),
    tokenHash: hashToken(r.token, KEY),
    tokenPreview: preview,
    subject: null,
    tenant: null,
    event: null,
    userAgent: 'guest',
    decision: r.status === 429 ? 'rate-limited' : r.status >= 500 ? 'upstream-error' : 'allowed',
    rule: null,
    spoofedForwardedFor: false,
    message: null,
    level: null,
    fields: { routeName: r.route },
  };
}

function accessLine(r: Request): string {
  const base = r.route === 'gallery' ? '/api/v1/gallery' : '/api/v1/events';
  return nginxLine({
    time: r.time,
    ip: r.ip,
    method: 'GET',
    uri: `${base}/${r.token}/photos`,
    status: r.status,
    bytes: 10,
    userAgent: 'guest',
    requestTime: r.durationMs / 1000,
  });
}

/** 40 minutes of guests plus an enumeration, a leaked token, a mass download and an outage. Whole seconds, as nginx logs. */
function scenario(): Request[] {
  const random = prng(42);
  const out: Request[] = [];
  const at = (ms: number) => T0 + Math.floor(ms / S) * S;
  for (let t = 0; t < 40 * M; t += 200) {
    const guest = Math.floor(random() * 600);
    const outage = t >= 25 * M && t < 27 * M;
    out.push({
      time: at(t),
      ip: `100.${guest % 40}.${guest}.7`,
      route: random() < 0.3 ? 'gallery' : 'event-api',
      token: `event-token-${guest % 40}`,
      status: outage && random() < 0.8 ? 502 : random() < 0.01 ? 404 : 200,
      durationMs: 20 + Math.floor(random() * 100),
    });
  }
  for (let i = 0; i < 60; i++) {
    out.push({
      time: at(10 * M + i * 3 * S),
      ip: `203.0.113.${10 + (i % 40)}`,
      route: 'event-api',
      token: `guess-${i}-${Math.floor(random() * 1e9)}`,
      status: 404,
      durationMs: 3,
    });
    out.push({
      time: at(15 * M + i * 4 * S),
      ip: `198.18.20.${i + 1}`,
      route: 'gallery',
      token: 'leaked-token-abcdef',
      status: 200,
      durationMs: 30,
    });
  }
  // One address through the galleries of 25 events (links harvested from social media).
  for (let i = 0; i < 25; i++)
    out.push({
      time: at(20 * M + i * 20 * S),
      ip: '192.0.2.99',
      route: 'gallery',
      token: `event-token-${i}`,
      status: 200,
      durationMs: 15,
    });
  return out.sort((a, b) => a.time - b.time);
}

const laravelScenario = (): string[] =>
  Array.from({ length: 14 }, (_, i) =>
    laravelLine(T0 + 12 * M + i * 10 * S, 'warning', 'token_rate_limited', {
      ip: '203.0.113.77',
      token_preview: 'abcd…ef',
    }),
  );

const comparable = (signals: DetectorSignal[], clears: DetectorClear[]) => ({
  signals: signals.map((s) => `${s.at} ${s.kind} ${s.rule} ${s.groupKey} ${s.value}`).sort(),
  clears: clears.map((c) => `${c.at} ${c.rule} ${c.groupKey}`).sort(),
});

describe('live == replay', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the seed rules give the same signals live (gateway events, ticking) and replayed from the log files', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    const requests = scenario();
    const laravel = laravelScenario();

    // Live: gateway events and tailed laravel lines as they happen, a timer ticking every 5 s.
    const live = record(playbook, { tokenKey: KEY });
    const parser = getParser('laravel');
    const appEvents = laravel.map((line) => {
      const parsed = parser.parse(line, { service: 'guest-api', source: 'laravel', tokenKey: KEY });
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.event;
    });
    const all = [...requests.map(gatewayEvent), ...appEvents].sort((a, b) => a.time - b.time);
    let nextTick = T0;
    for (const event of all) {
      while (nextTick < event.time) {
        live.detector.tick(nextTick);
        nextTick += 5 * S;
      }
      live.detector.ingest(event);
    }
    live.detector.tick(all.at(-1)!.time);

    dir = await mkdtemp(join(tmpdir(), 'rampart-replay-'));
    const access = join(dir, 'access.log');
    const app = join(dir, 'laravel.log');
    await writeFile(access, `${requests.map(accessLine).join('\n')}\n`);
    await writeFile(app, `${laravel.join('\n')}\n`);
    const replayed = await replayFiles([access], { playbook, tokenKey: KEY, format: 'nginx' });
    // The access log and the app log together (the app log after it, as files replay in the order given).
    const both = await replayFiles([access, app], { playbook, tokenKey: KEY, format: 'nginx' });

    const rules = new Set(live.signals.map((s) => s.rule));
    expect([...rules].sort()).toEqual([
      'error-spike',
      'mass-download',
      'rate-limit-triggers',
      'token-enumeration',
      'token-enumeration-network',
      'token-enumeration-spread',
      'token-leak',
    ]);
    const liveAccess = comparable(
      live.signals.filter((s) => s.rule !== 'rate-limit-triggers'),
      live.clears.filter((c) => c.rule !== 'rate-limit-triggers'),
    );
    expect(comparable(replayed.signals, replayed.clears)).toEqual(liveAccess);
    expect(comparable(both.signals, both.clears)).toEqual(comparable(live.signals, live.clears));
    expect(both.files.map((f) => [f.format, f.source])).toEqual([
      ['nginx', 'gateway'],
      ['laravel', 'laravel'],
    ]);
    expect(replayed).toMatchObject({ lines: requests.length, events: requests.length, skippedTotal: 0 });
  });
});

describe('planFile', () => {
  it('takes the format from the playbook source of the same file name, else needs --format', async () => {
    const playbook = await seedPlaybook('fotospiel-public-api.yaml');
    expect(planFile('/var/log/app/laravel.log', playbook)).toMatchObject({
      format: 'laravel',
      source: 'laravel',
    });
    expect(planFile('/var/log/app/laravel.log', playbook, 'nginx')).toMatchObject({
      format: 'laravel',
      source: 'laravel',
    });
    expect(planFile('/var/log/nginx/access.log', playbook, 'nginx')).toMatchObject({
      format: 'nginx',
      source: 'gateway',
    });
    expect(() => planFile('/var/log/nginx/access.log', playbook)).toThrow(
      /access\.log: no format: give one as access.log:FORMAT or --format/,
    );
    expect(() => planFile('x.log', playbook, 'klingon')).toThrow(/unknown log format "klingon"/);
  });

  it('a rule reading a log by its format or path makes its events carry that source, and only it sees them', async () => {
    const seed = await seedPlaybook('fotospiel-public-api.yaml');
    const withSources = (rules: Record<string, unknown>[]): Playbook => ({
      ...seed,
      detection: {
        ...seed.detection,
        sources: [
          { kind: 'gateway' },
          { kind: 'log', path: 'logs/error.log', format: 'nginx-error' },
          { kind: 'log', path: 'logs/access.log', format: 'nginx' },
        ],
        rules: rules.map((r) => ruleSchema.parse(r)),
      },
    });
    const trigger = { type: 'threshold', count: 1, window: '1m' };
    const byFormat = withSources([{ name: 'errors', source: 'nginx-error', trigger }]);
    expect(planFile('/x/error.log', byFormat)).toMatchObject({ source: 'file:error.log' });
    expect(compileRule(byFormat.detection.rules[0] as RuleSpec, byFormat).sources).toEqual(
      new Set(['file:error.log']),
    );
    // Unread by any rule by name, the access log stands in for the gateway; read by its path, it is itself.
    expect(planFile('/x/access.log', byFormat)).toMatchObject({ source: 'gateway' });
    const byPath = withSources([{ name: 'access', source: 'logs/access.log', trigger }]);
    expect(planFile('/x/access.log', byPath)).toMatchObject({ source: 'file:access.log' });
  });
});
