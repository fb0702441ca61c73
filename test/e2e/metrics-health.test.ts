import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clfTime } from '../../src/detector/testing/log-lines.js';
import { runCli } from '../support/run-cli.js';

/**
 * The operators' view of a running Rampart, from the outside: the built `rampart up` in a folder with one
 * playbook, a stand-in app behind its gateway, `/metrics` scraped over HTTP and read with a Prometheus
 * text-format parser, `/healthz`, and the API. Ports from this suite's own block (24100–24199).
 */
const CLI = resolve('dist/cli/main.js');
const API_PORT = 24100;
const GATEWAY_PORT = 24101;
const APP_PORT = 24102;
/** Nothing listens here: the webhook's messages stay in the outbox. */
const DEAD_PORT = 24199;

const PLAYBOOK = `rampart: 1
service:
  name: shop
  title: Shop
  upstream: { url: "http://127.0.0.1:${APP_PORT}" }
  routes:
    - { name: items, pattern: "/items/{id}" }
    - { name: login, pattern: "/login" }
gateway:
  listen: { host: 127.0.0.1, port: ${GATEWAY_PORT} }
  trusted_proxies: [127.0.0.1/32]
  rate_limits:
    - { name: trial, key: ip, limit: 2, window: 1m, routes: [items], shadow: true }
severity:
  scale: [{ name: SEV-1, rank: 1 }, { name: SEV-2, rank: 2 }]
  default: SEV-2
checklist:
  phases: [{ name: Now, time_box: 15m, steps: [{ id: look, title: Look }] }]
comms:
  audiences:
    - name: ops
      channels: [{ type: webhook, url_env: SHOP_HOOK_URL }]
      when: { events: [opened] }
detection:
  sources:
    - { kind: gateway }
    - { kind: log, name: access, path: logs/access.log, format: nginx }
    - { kind: log, name: typo, path: logs/acess.log, format: nginx }
  rules:
    - name: brute-force
      source: gateway
      filter: { route: [login], status: [401] }
      group_by: [ip]
      trigger: { type: threshold, count: 3, window: 1m }
      mitigation: { action: block, target: ip, escalate: [1h, 24h], automatic: true }
never_block:
  addresses: [192.0.2.0/24]
`;

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** The value of one sample of a counter or gauge, or undefined when that series is absent. */
function sample(families: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const hit = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return hit?.value === undefined ? undefined : Number(hit.value);
}

function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  return (async () => {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

describe('metrics, health and never_block of a running rampart up', () => {
  let dir = '';
  let app: Server;
  let output = '';
  let stop: () => Promise<number | null> = () => Promise.resolve(0);
  let key = '';
  const api = `http://127.0.0.1:${API_PORT}`;
  const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
  const scrape = async (): Promise<{ text: string; families: Families }> => {
    const response = await fetch(`${api}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    return { text, families: parsePrometheusTextFormat(text) };
  };
  const from = (ip: string, path: string, method = 'GET') =>
    fetch(`${gateway}${path}`, { method, headers: { 'x-forwarded-for': ip } });

  beforeAll(async () => {
    expect(existsSync(CLI), 'run `npm run build` first (npm test does)').toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'rampart-metrics-'));
    await mkdir(join(dir, 'playbooks'));
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'playbooks', 'shop.yaml'), PLAYBOOK);
    await writeFile(join(dir, 'logs', 'access.log'), '');
    app = createServer((req, res) => {
      res.writeHead(req.url === '/login' ? 401 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((done) => app.listen(APP_PORT, '127.0.0.1', done));
    const child = spawn(process.execPath, [CLI, 'up', '--port', String(API_PORT)], {
      cwd: dir,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        REDIS_URL: '',
        SHOP_HOOK_URL: `http://127.0.0.1:${DEAD_PORT}/hook`,
        RAMPART_OUTBOX_STUCK_AFTER: '1s',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stop = () => {
      if (child.exitCode !== null) return exited;
      child.kill('SIGINT');
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      return exited.finally(() => clearTimeout(kill));
    };
    await until('rampart up to print its API URL', () => Promise.resolve(/API\s+http/.test(output) ? true : undefined), 30_000);
    key = readFileSync(join(dir, '.rampart', 'admin.key'), 'utf8').trim();
  }, 60_000);

  afterAll(async () => {
    expect(await stop()).toBe(0);
    await new Promise((done) => app.close(done));
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('says a misspelled log path at start-up, on /healthz and in the metrics', async () => {
    expect(output).toContain(`log source shop/typo: ${join(dir, 'logs', 'acess.log')} does not exist`);
    const health = (await (await fetch(`${api}/healthz`)).json()) as { status: string; reasons: { code: string; source?: string }[] };
    expect(health.status).toBe('degraded');
    expect(health.reasons).toContainEqual(expect.objectContaining({ code: 'source-missing', service: 'shop', source: 'typo' }));
    expect(health.reasons.some((r) => r.source === 'access')).toBe(false);
    const { families } = await scrape();
    expect(sample(families, 'rampart_log_source_up', { service: 'shop', source: 'typo' })).toBe(0);
    expect(sample(families, 'rampart_log_source_up', { service: 'shop', source: 'access' })).toBe(1);
  });

  it('every family is there and moves with traffic; a shadow limit counts but never answers 429', async () => {
    const before = (await scrape()).families;
    expect(sample(before, 'rampart_gateway_requests_total', { route: '/items/{id}' })).toBeUndefined();

    // Five requests where the shadow limit allows two: every one is served, none carries its headers.
    for (let i = 0; i < 5; i++) {
      const r = await from('203.0.113.5', `/items/${i}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toBeNull();
    }
    // Three failed logins: the rule fires and blocks the address; its next requests get 403.
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.66', '/login', 'POST')).status).toBe(401);
    await until('the block to reach the gateway', async () => ((await from('203.0.113.66', '/items/1')).status === 403 ? true : undefined));
    expect((await from('203.0.113.66', '/items/2')).status).toBe(403);
    // Two lines in the tailed nginx log: one it reads, one its parser refuses.
    await appendFile(
      join(dir, 'logs', 'access.log'),
      `198.51.100.4 - - [${clfTime(Date.now())}] "GET /items/9 HTTP/1.1" 200 12 "-" "curl/8" 0.001 0.001\nthis is not an access log line\n`,
    );
    const after = await until('the log lines and the outbox message to show', async () => {
      const { families } = await scrape();
      const read = sample(families, 'rampart_log_lines_read_total', { source: 'access' }) ?? 0;
      const pending = sample(families, 'rampart_outbox_pending_messages') ?? 0;
      return read >= 2 && pending >= 1 ? families : undefined;
    });

    const mitigations = (await (await fetch(`${api}/v1/mitigations`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      mitigations: { id: string; target: string; refused: number; data: Record<string, unknown> }[];
    };
    const block = mitigations.mitigations.find((m) => m.target === '203.0.113.66');
    expect(block?.data.escalation_level).toBe(1);
    expect(block?.refused).toBeGreaterThanOrEqual(2);

    const expectations: [string, Record<string, string>, (v: number | undefined) => boolean][] = [
      ['rampart_gateway_requests_total', { service: 'shop', route: '/items/{id}', decision: 'allowed', status_class: '2xx' }, (v) => v === 5],
      ['rampart_gateway_requests_total', { route: '/login', decision: 'allowed', status_class: '4xx' }, (v) => v === 3],
      ['rampart_gateway_requests_total', { route: '/items/{id}', decision: 'blocked', status_class: '4xx' }, (v) => (v ?? 0) >= 2],
      ['rampart_gateway_rejections_total', { service: 'shop', reason: 'block' }, (v) => (v ?? 0) >= 2],
      ['rampart_gateway_shadow_limited_total', { service: 'shop', limit: 'trial' }, (v) => v === 3],
      ['rampart_gateway_limiter_keys', { service: 'shop', limit: 'trial' }, (v) => (v ?? 0) >= 1],
      ['rampart_mitigation_refused_requests_total', { service: 'shop', kind: 'block', mitigation: block?.id ?? '?' }, (v) => (v ?? 0) >= 2],
      ['rampart_log_lines_read_total', { service: 'shop', source: 'access' }, (v) => v === 2],
      ['rampart_log_lines_refused_total', { service: 'shop', source: 'access' }, (v) => v === 1],
      ['rampart_log_last_line_age_seconds', { service: 'shop', source: 'access' }, (v) => v !== undefined && v < 60],
      ['rampart_detector_lag_seconds', { service: 'shop' }, (v) => v !== undefined && v >= 0],
      ['rampart_detector_signals_total', { service: 'shop', rule: 'brute-force', kind: 'fired' }, (v) => v === 1],
      ['rampart_outbox_pending_messages', {}, (v) => (v ?? 0) >= 1],
      ['rampart_outbox_failed_messages', {}, (v) => v === 0],
      ['rampart_outbox_oldest_pending_age_seconds', {}, (v) => (v ?? 0) > 0],
    ];
    for (const [name, labels, ok] of expectations) {
      const value = sample(after, name, labels);
      expect(ok(value), `${name}${JSON.stringify(labels)} = ${value}`).toBe(true);
    }
    const upstream = after.find((f) => f.name === 'rampart_gateway_upstream_duration_seconds');
    expect(upstream?.type).toBe('HISTOGRAM');
    // The parser flattens a labelled histogram's buckets; the +Inf bucket still counts the upstream's answers.
    expect(Number(upstream?.metrics[0]?.buckets?.['+Inf'] ?? 0)).toBeGreaterThanOrEqual(1);
    // Counters are _total, durations _seconds, everything rampart_: the exporter conventions.
    for (const f of after.filter((x) => x.name.startsWith('rampart_gateway') || x.name.startsWith('rampart_log') || x.name.startsWith('rampart_outbox'))) {
      if (f.type === 'COUNTER') expect(f.name).toMatch(/_total$/);
    }
    // No path (with its id) is ever a label: only the route template.
    const { text } = await scrape();
    expect(text).not.toContain('/items/1"');

    // The stuck outbox: its oldest message is older than RAMPART_OUTBOX_STUCK_AFTER (1s).
    await new Promise((r) => setTimeout(r, 1200));
    const health = (await (await fetch(`${api}/healthz`)).json()) as { status: string; reasons: { code: string }[] };
    expect(health.status).toBe('degraded');
    expect(health.reasons.map((r) => r.code)).toContain('outbox-stuck');

    // Lifted, the mitigation's id leaves the metric (labels stay bounded) but its total stays in the API.
    const lifted = await fetch(`${api}/v1/mitigations/${block?.id}?reason=test`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(lifted.status).toBe(200);
    const gone = (await scrape()).families;
    expect(sample(gone, 'rampart_mitigation_refused_requests_total', { mitigation: block?.id ?? '?' })).toBeUndefined();
    const all = (await (await fetch(`${api}/v1/mitigations?all=true`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      mitigations: { id: string; refused: number }[];
    };
    expect(all.mitigations.find((m) => m.id === block?.id)?.refused).toBeGreaterThanOrEqual(2);
    // `rampart mitigations` shows the same count, from the store.
    await new Promise((r) => setTimeout(r, 2500));
    const listed = await runCli(['mitigations', '--all'], { cwd: dir, env: { DATABASE_URL: '' } });
    expect(listed.out).toMatch(/REFUSED/);
    expect(listed.out.split('\n').find((l) => l.startsWith(block?.id ?? '?'))).toMatch(/\s[2-9]\d*\s/);
  }, 90_000);

  it('refuses, over the API, a mitigation that touches never_block', async () => {
    const response = await fetch(`${api}/v1/mitigations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'shop', kind: 'block', target: '192.0.0.0/16', reason: 'wide block' }),
    });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RAMPART_PROTECTED');
    expect(body.error.message).toContain('192.0.2.0/24');
    const inForce = (await (await fetch(`${api}/v1/mitigations`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      mitigations: { target: string }[];
    };
    expect(inForce.mitigations.map((m) => m.target)).not.toContain('192.0.0.0/16');
    // And the gateway never blocks an address of that range.
    expect((await from('192.0.2.7', '/items/1')).status).toBe(200);
  });

  it('passes promtool check metrics (the Prometheus project\'s own linter), when installed', async () => {
    const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
    if (process.env.CI) expect(promtool, 'the CI installs Debian\'s prometheus package for promtool').toBeDefined();
    if (!promtool) return;
    const { text } = await scrape();
    const own = text.split('\n').filter((l) => !/^(# (HELP|TYPE) )?rampart_(process|nodejs)_/.test(l)).join('\n');
    const checked = spawnSync(promtool, ['check', 'metrics'], { input: own, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`.trim()).toBe('');
    expect(checked.status).toBe(0);
  });
});
