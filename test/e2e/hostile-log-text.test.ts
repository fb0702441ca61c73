import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import type { DetectorSignal } from '../../src/detector/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { startReceiver } from '../support/receiver.js';
import { runCli } from '../support/run-cli.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';

/**
 * A hostile client's user agent and path, as nginx writes them with `escape=json` (the JSON escapes decode to
 * the raw characters): ANSI escapes that clear and recolour a terminal, CR/LF that forge a "resolved" line in a
 * Slack message, a bidi override, a C1 NEL and a line separator. Two rules group by those fields, so the text
 * becomes group keys, incident titles, timeline entries, Slack and PagerDuty messages and CLI output. Every one
 * of them must show it as visible escapes; ordinary Unicode stays as it is.
 */
const AGENT_RAW =
  'Mozilla/5.0 \u001b[2J\u001b[31mEVIL\u001b[0m\r\n*Status:* resolved by on-call\u202egnp.exe\u0085\u2028 ünïcödé 🚀';
const AGENT_SHOWN =
  'Mozilla/5.0 \\x1b[2J\\x1b[31mEVIL\\x1b[0m\\r\\n*Status:* resolved by on-call\\u202egnp.exe\\x85\\u2028 ünïcödé 🚀';
const PATH_RAW = '/hostile/\u001b[5mblink\r\nfake\u2066line\u0000';
const PATH_SHOWN = '/hostile/\\x1b[5mblink\\r\\nfake\\u2066line\\x00';

/** What must never reach a reader raw: C0 controls but tab/LF (checked apart), DEL, C1, separators, bidi. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
/** The forged line: a CR/LF from the user agent would start a line of its own with it. */
const FORGED = /(^|[\r\n])\*Status:\* resolved by on-call/;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

function expectInert(value: unknown): void {
  for (const text of strings(value)) {
    expect(text, JSON.stringify(text)).not.toMatch(HIDDEN);
    expect(text, JSON.stringify(text)).not.toMatch(FORGED);
  }
}

const RULES = `  rules:
    - name: hostile-agent-flood
      title: One user agent flooding
      severity: SEV-2
      source: edge
      group_by: [user_agent]
      trigger: { type: threshold, count: 3, window: 1m }
    - name: hostile-path-flood
      title: One path hammered
      severity: SEV-2
      source: edge
      group_by: [path]
      trigger: { type: threshold, count: 3, window: 1m }
`;

function nginxJsonLine(time: Date, ip: string, uri: string, agent: string): string {
  return JSON.stringify({
    time_iso8601: time.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    remote_addr: ip,
    request_method: 'GET',
    request_uri: uri,
    status: '404',
    body_bytes_sent: '12',
    request_time: '0.004',
    http_referer: '',
    http_user_agent: agent,
  });
}

describe('text from log lines reaches people as visible escapes, never raw control characters', () => {
  let ws: Workspace;
  let app: RunningApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let playbookFile: string;
  const signals: DetectorSignal[] = [];
  const lines = (base: number) =>
    [
      ...[1, 2, 3, 4].map((i) => nginxJsonLine(new Date(base + i * 1000), `198.51.100.${i}`, `/x/${i}`, AGENT_RAW)),
      ...[5, 6, 7, 8].map((i) => nginxJsonLine(new Date(base + i * 1000), `192.0.2.${i}`, PATH_RAW, `curl/8.${i}`)),
    ].join('\n') + '\n';

  beforeAll(async () => {
    ws = await createWorkspace();
    receiver = await startReceiver();
    playbookFile = join(ws.cwd, 'playbooks', 'fotospiel-public-api.yaml');
    const text = readFileSync(playbookFile, 'utf8');
    const changed = text
      .replace('    - { kind: gateway }\n', '    - { kind: gateway }\n    - { kind: log, name: edge, path: edge-access.log, format: nginx-json }\n')
      .replace('  rules:\n', RULES);
    expect(changed).not.toBe(text);
    writeFileSync(playbookFile, changed);
    const env = {
      SLACK_WEBHOOK_URL: `${receiver.url}/slack`,
      SLACK_SUPPORT_WEBHOOK_URL: `${receiver.url}/support`,
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdef012345',
    };
    app = await startApp({
      config: readConfig({ RAMPART_PAGERDUTY_EVENTS_URL: `${receiver.url}/pagerduty` }),
      cwd: ws.cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env,
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
    app.detection.onOutcome((signal) => signals.push(signal));
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([receiver?.close(), ws?.close()]);
  });

  it('rampart logs replay prints the escaped key and title, in the table and in --json', async () => {
    const file = join(ws.cwd, 'replay-access.log');
    writeFileSync(file, lines(Date.parse('2026-11-30T10:00:00Z')));
    const human = await runCli(['logs', 'replay', `${file}:nginx-json`, '--playbook', playbookFile], { cwd: ws.cwd });
    expect(human.code).toBe(0);
    expect(human.out).toContain(AGENT_SHOWN);
    expect(human.out).toContain(PATH_SHOWN);
    expect(human.out).not.toMatch(HIDDEN);
    expect(human.out).not.toMatch(FORGED);

    const json = await runCli(['logs', 'replay', `${file}:nginx-json`, '--playbook', playbookFile, '--json'], {
      cwd: ws.cwd,
    });
    const out = JSON.parse(json.out) as { signals: DetectorSignal[] };
    const keys = out.signals.filter((s) => s.rule.startsWith('hostile-')).map((s) => [s.rule, s.groupKey]);
    expect(keys).toEqual([
      ['hostile-agent-flood', AGENT_SHOWN],
      ['hostile-path-flood', PATH_SHOWN],
    ]);
    expectInert(out.signals);
  });

  it('rampart up: the incident, its timeline, Slack and PagerDuty carry the escaped form only', async () => {
    // The source file appears after start-up, so it is read from its start.
    appendFileSync(join(ws.cwd, 'edge-access.log'), lines(Date.now() - 20_000));
    await waitFor(() => Promise.resolve(signals.filter((s) => s.rule.startsWith('hostile-')).length >= 2), 10_000, 20);
    await app.detection.idle();
    const agent = signals.find((s) => s.rule === 'hostile-agent-flood');
    expect(agent?.groupKey).toBe(AGENT_SHOWN);
    expect(agent?.title).toBe(`One user agent flooding: ${AGENT_SHOWN}`);
    expect(signals.find((s) => s.rule === 'hostile-path-flood')?.groupKey).toBe(PATH_SHOWN);

    const key = readFileSync(join(ws.cwd, '.rampart', 'admin.key'), 'utf8').trim();
    const get = async (path: string) =>
      (await (await fetch(`${app.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } })).json());
    const list = (await get('/v1/incidents?service=guest-api')) as { incidents: { id: string; title: string }[] };
    const incident = list.incidents.find((i) => i.title.startsWith('One user agent flooding'));
    expect(incident?.title).toBe(`One user agent flooding: ${AGENT_SHOWN}`);
    const view = await get(`/v1/incidents/${incident?.id ?? ''}`);
    expect(JSON.stringify(view)).toContain(JSON.stringify(AGENT_SHOWN).slice(1, -1));
    expectInert(view);
    const timeline = await get(`/v1/incidents/${incident?.id ?? ''}/timeline`);
    expectInert(timeline);
    // The path's incident: its samples and its evidence snapshot hold the path of every request.
    const byPath = list.incidents.find((i) => i.title.startsWith('One path hammered'));
    expect(byPath?.title).toBe(`One path hammered: ${PATH_SHOWN}`);
    const pathTimeline = await get(`/v1/incidents/${byPath?.id ?? ''}/timeline`);
    expect(JSON.stringify(pathTimeline)).toContain('evidence snapshot');
    expectInert(await get(`/v1/incidents/${byPath?.id ?? ''}`));
    expectInert(pathTimeline);

    await waitFor(
      () => Promise.resolve(['/slack', '/pagerduty'].every((p) => receiver.received.some((r) => r.path === p))),
      10_000,
      20,
    );
    const slack = receiver.received.filter((r) => r.path === '/slack');
    expect(JSON.stringify(slack)).toContain(JSON.stringify(AGENT_SHOWN).slice(1, -1));
    for (const message of receiver.received) expectInert(message.body);

    // The responder's terminal: `rampart incident show` prints the same escaped title.
    const shown = await runCli(['incident', 'show', incident?.id ?? ''], { cwd: ws.cwd });
    expect(shown.out).toContain(AGENT_SHOWN);
    expect(shown.out).not.toMatch(HIDDEN);
    expect(shown.out).not.toMatch(FORGED);
  }, 30_000);
});
