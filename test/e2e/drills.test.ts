import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import {
  closeAgents,
  DEFAULT_LIMITS,
  findDrill,
  RampartApi,
  runDrill,
  StandinClient,
  type DrillContext,
  type DrillReport,
} from '../../src/drills/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../src/notify/testing/smtp-receiver.js';
import { KNOWN_GOOD_TOKEN } from '../../src/standins/guest-seed.js';
import { startStandins, type RunningStandins } from '../../src/standins/index.js';
import { startReceiver } from '../support/receiver.js';
import { copyPlaybooks, waitFor } from '../support/workspace.js';

/**
 * Issue 6: every drill against both stand-ins behind `startApp`'s gateways, with a local Slack receiver.
 * Each drill prints its steps with their measured times; the assertions are the story the playbooks tell.
 */
describe('drills against the stand-ins behind Rampart (issue 6)', () => {
  let cwd: string;
  let standins: RunningStandins;
  let app: RunningApp;
  let slack: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: SmtpReceiver;
  let ctx: DrillContext;
  // The gateways on fixed loopback ports (this suite's block), so the playbooks' monitors — which run when an
  // incident opens, for its availability-check step — reach them.
  const PORTS: Record<string, number> = { 'guest-api': 22080, 'booking-api': 22090 };

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-drills-'));
    standins = await startStandins({ cwd, env: {}, guestPort: 0, bookingPort: 0 });
    copyPlaybooks(cwd, { guest: standins.guestUrl, booking: standins.bookingUrl });
    for (const file of readdirSync(join(cwd, 'playbooks')).filter((f) => f.endsWith('.yaml'))) {
      const path = join(cwd, 'playbooks', file);
      writeFileSync(
        path,
        readFileSync(path, 'utf8')
          .replaceAll('http://127.0.0.1:8080/', `http://127.0.0.1:${PORTS['guest-api']}/`)
          .replaceAll('http://127.0.0.1:8090/', `http://127.0.0.1:${PORTS['booking-api']}/`),
      );
    }
    slack = await startReceiver();
    smtp = await startSmtpReceiver({ user: 'rampart', pass: 'drill-smtp-pass' });
    app = await startApp({
      config: readConfig({}),
      cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env: {
        SLACK_WEBHOOK_URL: `${slack.url}/slack`,
        BOOKING_JWT_SECRET: standins.bookingJwtSecret,
        KNOWN_GOOD_TOKEN,
        SMTP_URL: smtp.url,
        // The stand-in's tenants (guest-seed.ts): the tenant directory the tenant e-mails go to.
        RAMPART_TENANT_CONTACTS: JSON.stringify({
          '1': { email: 'events@studio-lumen.example', name: 'Studio Lumen' },
          '2': { email: 'anna.ben@hochzeit-meyer.example', name: 'Hochzeit Meyer' },
        }),
      },
      gatewayListen: (playbook) => ({ host: '127.0.0.1', port: PORTS[playbook.service.name] ?? 0 }),
    });
    const gateway = (service: string) => app.gateways.find((g) => g.service === service)?.url ?? '';
    ctx = {
      targets: { guest: gateway('guest-api'), booking: gateway('booking-api') },
      api: new RampartApi(app.apiUrl, readFileSync(join(cwd, '.rampart', 'admin.key'), 'utf8').trim()),
      standins: {
        guest: new StandinClient(standins.guestUrl, standins.controlKey),
        booking: new StandinClient(standins.bookingUrl, standins.controlKey),
      },
      log: (line) => console.log(line),
      limits: DEFAULT_LIMITS,
    };
  });
  afterAll(async () => {
    await closeAgents();
    await app?.stop();
    await standins?.close();
    await slack?.close();
    await smtp?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  async function drill(name: string): Promise<DrillReport> {
    const found = findDrill(name);
    if (!found) throw new Error(`no drill ${name}`);
    const report = await runDrill(found, ctx);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.verdict).toBe('pass');
    return report;
  }
  const mitigation = async (id: string) => (await app.desk.store.mitigations.list({ incidentId: id }))[0];

  it('token-enumeration: SEV-2 brute force, the /24 blocked, Slack told, a timeline that tells it', async () => {
    const report = await drill('token-enumeration');
    expect(report.incident).toMatchObject({ severity: 'SEV-2', type: 'brute-force', joined: false });
    expect(report.mitigations).toMatchObject([
      { kind: 'block', target: '203.0.113.0/24', author: 'detector' },
    ]);
    const incident = await app.desk.store.incidents.get(report.incident?.id ?? '');
    expect(incident?.scope.ips.every((ip) => ip.startsWith('203.0.113.'))).toBe(true);
    expect(slack.received.some((r) => JSON.stringify(r.body).includes(report.incident?.id ?? '?'))).toBe(
      true,
    );
    expect(report.timeline.some((l) => l.includes('block 203.0.113.0/24'))).toBe(true);
    expect(report.timeline.some((l) => l.includes('evidence'))).toBe(true);
    // The stand-in wrote the seed's Laravel line, with a truncated token preview only.
    const log = readFileSync(standins.logs.laravel, 'utf8');
    expect(log).toMatch(
      /production\.WARNING: Join token access denied \{"ip":"203\.0\.113\.\d+","token":"\w{4}…\w{2}"/,
    );
  });

  it('credential-stuffing: P1, the address blocked', async () => {
    const report = await drill('credential-stuffing');
    expect(report.incident).toMatchObject({ severity: 'P1', type: 'credential-stuffing' });
    expect(report.mitigations).toMatchObject([{ kind: 'block', target: '198.51.100.66' }]);
    expect(readFileSync(standins.logs.uvicornAccess, 'utf8')).toMatch(
      /INFO: {5}198\.51\.100\.66:\d+ - "POST \/auth\/login HTTP\/1\.1" 401 Unauthorized/,
    );
  });

  it('request-flood: P1 rate-limiting bypass, the per-prefix limit tightened', async () => {
    const report = await drill('request-flood');
    expect(report.incident).toMatchObject({ severity: 'P1', type: 'rate-limiting-bypass' });
    expect(report.mitigations).toMatchObject([{ kind: 'limit-override', target: 'per-prefix' }]);
    expect((await mitigation(report.incident?.id ?? ''))?.data).toMatchObject({ limit: 200 });
  });

  it('xff-spoofing: the per-IP limit counts the real peer', async () => {
    const report = await drill('xff-spoofing');
    expect(report.steps.find((s) => s.name === 'limit')?.detail).toMatch(/1\d\d passed( \(100 \+ \d+ refilled in \d+ ms\))?, then 429/);
  });

  it('token-mass-download: SEV-1 token compromise, the token revoked by hash', async () => {
    const report = await drill('token-mass-download');
    expect(report.incident).toMatchObject({ severity: 'SEV-1', type: 'token-compromise' });
    expect(report.mitigations).toMatchObject([{ kind: 'revoke-token', author: 'detector' }]);
    // Issue 11: every automatic step done, the scope names the tenant and event, the tenant e-mailed after approval.
    const id = report.incident?.id ?? '';
    const incident = await app.desk.store.incidents.get(id);
    // The drill's fresh event belongs to the stand-in's first tenant (tenant 1); the app named it in X-Tenant-Id.
    const events = (await ctx.standins.guest.state()) as { events?: { id: number; tenantId: number }[] };
    const drillEvent = events.events?.at(-1);
    expect(incident?.scope.tenants).toEqual([String(drillEvent?.tenantId)]);
    expect(incident?.scope.events).toEqual([String(drillEvent?.id)]);
    expect(incident?.scope.tokens).toHaveLength(1);
    // The title names the token by its preview and its event, never by its keyed hash.
    expect(incident?.title).toMatch(new RegExp(`token \\S+…\\S+ \\(event ${drillEvent?.id}\\)`));
    expect(incident?.title).not.toContain(incident?.scope.tokens[0] ?? '?');
    // Every step of the playbook's checklist that runs by itself has run: none is still pending.
    await waitFor(async () => {
      const steps = await app.desk.store.checklist.list(id);
      return steps.filter((s) => s.automatic !== null).every((s) => s.status === 'done');
    }, 20_000);
    const automatic = (await app.desk.store.checklist.list(id)).filter((s) => s.automatic !== null);
    expect(automatic.map((s) => [s.automatic, s.status])).toEqual([
      ['availability-check', 'done'],
      ['evidence-snapshot', 'done'],
      ['scope', 'done'],
      ['severity', 'done'],
      ['notify', 'done'],
      ['mitigation', 'done'],
    ]);
    expect(automatic.find((s) => s.automatic === 'availability-check')?.note).toMatch(/4 of 4 monitors pass/);
    expect(automatic.find((s) => s.automatic === 'scope')?.note).toMatch(/1 tokens, 1 tenants, 1 events/);
    // The tenant e-mail went to tenant 1's contact, and to nobody else, only after a person approved it.
    const mail = smtp.mails.find((m) => m.header('x-rampart-incident') === id);
    expect(mail?.rcptTo).toEqual(['events@studio-lumen.example']);
    expect(mail?.text).toContain('Hello Studio Lumen');
    const timeline = await app.desk.store.timeline.list(id);
    expect(
      timeline.some((e) => e.kind === 'notification' && e.summary.includes('approved for sending')),
    ).toBe(true);
  });

  it('5xx-regression: an internal-failure incident, no automatic mitigation, the stand-in healed', async () => {
    const report = await drill('5xx-regression');
    expect(report.incident).toMatchObject({ type: 'internal-failure' });
    expect(await ctx.standins.guest.state()).toMatchObject({ mode: 'none' });
  });

  it('storage-failure: fail closed with 503, banner and Retry-After, then recovered', async () => {
    const report = await drill('storage-failure');
    expect(report.mitigations).toMatchObject([{ kind: 'maintenance', target: '*' }]);
    expect(report.steps.find((s) => s.name === 'maintenance')?.detail).toMatch(/503 ".+", Retry-After \d+ s/);
    expect(readFileSync(standins.logs.laravel, 'utf8')).toContain(
      'production.ERROR: Unable to read from storage disk',
    );
  });

  it('revoke-all-sessions: old and forged tokens 401, a fresh login works', async () => {
    const report = await drill('revoke-all-sessions');
    expect(report.incident).toMatchObject({ severity: 'P1', type: 'authentication-bypass' });
    expect(report.mitigations).toMatchObject([{ kind: 'revoke-all', target: '*' }]);
  });
});
