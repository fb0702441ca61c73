import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/shared/logger.js';
import { runCli } from '../support/run-cli.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';

describe('mitigations from the CLI and the API, enforced by the gateways of rampart up', () => {
  let ws: Workspace;
  let app: RunningApp;
  let guest: string;
  let booking: string;
  let adminKey: string;
  const cli = (...args: string[]) => runCli(args, { cwd: ws.cwd });
  const get = (base: string, path: string, ip: string) =>
    fetch(`${base}${path}`, { headers: { 'x-forwarded-for': ip } });

  beforeAll(async () => {
    ws = await createWorkspace();
    app = await startApp({
      config: readConfig({}),
      cwd: ws.cwd,
      port: 0,
      logger: createLogger({ level: 'silent' }),
      env: {},
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
    guest = app.gateways.find((g) => g.service === 'guest-api')?.url ?? '';
    booking = app.gateways.find((g) => g.service === 'booking-api')?.url ?? '';
    adminKey = readFileSync(join(ws.cwd, '.rampart', 'admin.key'), 'utf8').trim();
  });
  afterAll(async () => {
    await app.stop();
    await ws.close();
  });

  it('blocks a /24 typed in a second terminal within the sync interval, and unblocks it', async () => {
    expect((await get(guest, '/api/v1/events/abcdef123456/stats', '203.0.113.9')).status).toBe(200);
    const blocked = await cli('block', '203.0.113.0/24', '--for', '1h', '--reason', 'token enumeration');
    expect(blocked.err).toBe('');
    expect(blocked.out).toMatch(/mit-\w+\s+guest-api\s+block 203\.0\.113\.0\/24\s+until/);
    const ms = await waitFor(
      async () => (await get(guest, '/api/v1/events/abcdef123456/stats', '203.0.113.77')).status === 403,
      2000,
    );
    console.log(`CLI block enforced by the running gateway after ${ms.toFixed(0)} ms`);
    const refused = await get(booking, '/bookings', '203.0.113.5');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'blocked' } });
    expect((await get(guest, '/api/v1/events/abcdef123456/stats', '198.51.100.1')).status).toBe(200);

    const listed = await cli('mitigations');
    expect(listed.out).toMatch(/block\s+203\.0\.113\.0\/24/);
    expect((await cli('unblock', '203.0.113.0/24', '--reason', 'threat subsided')).code).toBe(0);
    await waitFor(
      async () => (await get(guest, '/api/v1/events/abcdef123456/stats', '203.0.113.77')).status === 200,
      2000,
    );
  });

  it('revokes a join token by value without storing it, and switches the gallery off and on', async () => {
    const token = 'leakedjointoken42';
    expect((await get(guest, `/api/v1/gallery/${token}/photos`, '192.0.2.10')).status).toBe(200);
    const revoked = await cli(
      'revoke',
      'token',
      token,
      '--service',
      'guest-api',
      '--reason',
      'posted publicly',
      '--json',
    );
    const [record] = JSON.parse(revoked.out) as { target: string; data: { preview: string } }[];
    expect(record?.target).not.toContain(token);
    expect(record?.data.preview).toBe('leak…42');
    await waitFor(
      async () => (await get(guest, `/api/v1/gallery/${token}/photos`, '192.0.2.10')).status === 401,
      2000,
    );
    expect((await get(guest, '/api/v1/gallery/anothertoken99/photos', '192.0.2.10')).status).toBe(200);
    const stored = JSON.stringify(await app.desk.store.mitigations.list({ limit: 100 }));
    expect(stored).not.toContain(token);

    expect((await cli('switch', 'off', 'gallery', '--reason', 'mass download', '--for', '30m')).code).toBe(0);
    await waitFor(
      async () => (await get(guest, '/api/v1/gallery/anothertoken99/photos', '192.0.2.10')).status === 503,
      2000,
    );
    expect((await get(guest, '/api/v1/events/anothertoken99/stats', '192.0.2.10')).status).toBe(200);
    expect((await cli('switch', 'on', 'gallery', '--reason', 'fixed')).code).toBe(0);
    await waitFor(
      async () => (await get(guest, '/api/v1/gallery/anothertoken99/photos', '192.0.2.10')).status === 200,
      2000,
    );
  });

  it('puts a service in maintenance through the API at once, linked to an incident, with the health route exempt', async () => {
    const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const incident = (await (
      await fetch(`${app.apiUrl}/v1/incidents`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ service: 'booking-api', severity: 'P0', title: 'Database compromise' }),
      })
    ).json()) as { id: string };
    const applied = await fetch(`${app.apiUrl}/v1/mitigations`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        service: 'booking-api',
        kind: 'maintenance',
        target: '*',
        reason: 'isolate the database',
        incidentId: incident.id,
        data: { banner: 'Back soon' },
      }),
    });
    expect(applied.status).toBe(201);
    const { id } = (await applied.json()) as { id: string };
    // Applied through this process's desk: the gateway has it before the answer arrives, no poll needed.
    const down = await get(booking, '/bookings', '198.51.100.20');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect(JSON.stringify(await down.json())).toContain('Back soon');
    expect((await get(booking, '/health', '198.51.100.20')).status).toBe(200);

    const timeline = (await (
      await fetch(`${app.apiUrl}/v1/incidents/${incident.id}/timeline`, { headers: auth })
    ).json()) as { timeline: { kind: string; summary: string }[] };
    expect(timeline.timeline.map((e) => e.kind)).toContain('mitigation');

    expect(
      (
        await fetch(`${app.apiUrl}/v1/mitigations/${id}`, {
          method: 'DELETE',
          headers: { authorization: auth.authorization },
        })
      ).status,
    ).toBe(200);
    expect((await get(booking, '/bookings', '198.51.100.20')).status).toBe(200);
  });

  it('refuses bad mitigation input with a clear message and changes nothing', async () => {
    const before = (await app.desk.store.mitigations.list({ limit: 1000 })).length;
    const badCidr = await cli('block', '203.0.113.0/40', '--reason', 'x');
    expect(badCidr.code).toBe(1);
    expect(badCidr.err).toContain('target: prefix length "/40" must be 0–32');
    const badFor = await cli('block', '203.0.113.1', '--for', 'soon', '--reason', 'x');
    expect(badFor.err).toContain('--for: expected a duration');
    const noSwitch = await cli('switch', 'off', 'nope', '--reason', 'x');
    expect(noSwitch.err).toContain('a switch named "nope"');
    const noReason = await cli('block', '203.0.113.1');
    expect(noReason.code).not.toBe(0);
    expect((await app.desk.store.mitigations.list({ limit: 1000 })).length).toBe(before);
  });
});
