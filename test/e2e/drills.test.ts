import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { startStandins, type RunningStandins } from '../../src/standins/index.js';
import { startReceiver } from '../support/receiver.js';
import { copyPlaybooks } from '../support/workspace.js';

/**
 * Issue 6: every drill against both stand-ins behind `startApp`'s gateways, with a local Slack receiver.
 * Each drill prints its steps with their measured times; the assertions are the story the playbooks tell.
 */
describe('drills against the stand-ins behind Rampart (issue 6)', () => {
  let cwd: string;
  let standins: RunningStandins;
  let app: RunningApp;
  let slack: Awaited<ReturnType<typeof startReceiver>>;
  let ctx: DrillContext;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-drills-'));
    standins = await startStandins({ cwd, env: {}, guestPort: 0, bookingPort: 0 });
    copyPlaybooks(cwd, { guest: standins.guestUrl, booking: standins.bookingUrl });
    slack = await startReceiver();
    app = await startApp({
      config: readConfig({}),
      cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env: { SLACK_WEBHOOK_URL: `${slack.url}/slack`, BOOKING_JWT_SECRET: standins.bookingJwtSecret },
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
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
