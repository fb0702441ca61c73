import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import {
  CONTROL_KEY_HEADER,
  createBookingApi,
  createGuestApi,
  KNOWN_GOOD_TOKEN,
  type Standin,
} from './index.js';

const KEY = 'k'.repeat(32);
const flush = () => new Promise((done) => setTimeout(done, 50));

describe('stand-ins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-standins-'));
  const clock = new ManualClock('2026-01-05T10:00:00.000Z');
  let guest: Standin;
  let booking: Standin;
  let g = '';
  let b = '';
  const logFile = join(dir, 'storage/logs/laravel.log');
  beforeAll(async () => {
    guest = createGuestApi({ logFile, controlKey: KEY, clock, maxUploadBytes: 1000 });
    booking = createBookingApi({
      accessLog: join(dir, 'logs/uvicorn-access.log'),
      errorLog: join(dir, 'logs/uvicorn-error.log'),
      securityLog: join(dir, 'logs/security.log'),
      jwtSecret: 's'.repeat(32),
      controlKey: KEY,
      clock,
    });
    g = await guest.listen(0);
    b = await booking.listen(0);
  });
  afterAll(async () => {
    await guest.close();
    await booking.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('guest: a wrong join token is 404 with the seed line (client from X-Forwarded-For, token preview only)', async () => {
    const r = await fetch(`${g}/api/v1/events/wrongtoken123456/stats`, {
      headers: { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' },
    });
    expect(r.status).toBe(404);
    await flush();
    expect(readFileSync(logFile, 'utf8')).toContain(
      '[2026-01-05 10:00:00] production.WARNING: Join token access denied {"ip":"203.0.113.7","token":"wron…56","event_id":null,"tenant_id":null,"reason":"invalid_token"} []',
    );
  });

  it('guest: the app limiter answers 429 token_rate_limited after 10 failures from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await fetch(`${g}/api/v1/gallery/nope${i}xxxxxx`, {
            headers: { 'x-forwarded-for': '198.51.100.9' },
          })
        ).status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    await flush();
    expect(readFileSync(logFile, 'utf8')).toMatch(/"ip":"198\.51\.100\.9".*"reason":"token_rate_limited"/);
  });

  it('guest: signed download URLs work until they expire, and refuse a changed signature', async () => {
    const photos = (await (await fetch(`${g}/api/v1/gallery/${KNOWN_GOOD_TOKEN}/photos`)).json()) as {
      photos: { download_url: string }[];
    };
    const url = photos.photos[0]?.download_url ?? '';
    expect((await fetch(`${g}${url}`)).status).toBe(200);
    // Change the signature's first character to one it is not (a fixed '0' left one signature in 16 unchanged).
    const changed = url.replace(/signature=(.)/, (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(`${g}${changed}`)).status).toBe(403);
    clock.advance(6 * 60_000);
    expect(await (await fetch(`${g}${url}`)).json()).toEqual({ message: 'Link expired.' });
  });

  it('guest: uploads stream to disk under a size cap', async () => {
    const up = (n: number) =>
      fetch(`${g}/api/v1/events/${KNOWN_GOOD_TOKEN}/uploads`, { method: 'POST', body: 'x'.repeat(n) });
    expect(await (await up(500)).json()).toMatchObject({ bytes: 500 });
    expect((await up(5000)).status).toBe(413);
  });

  it('guest: misbehaves only when told by key from loopback; storage-lost logs a storage error', async () => {
    const control = (headers: Record<string, string>) =>
      fetch(`${g}/__standin/misbehave`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"mode":"storage-lost"}',
      });
    expect((await control({ [CONTROL_KEY_HEADER]: 'wrong' })).status).toBe(404);
    expect((await control({ [CONTROL_KEY_HEADER]: KEY, 'x-forwarded-for': '127.0.0.1' })).status).toBe(404);
    expect((await control({ [CONTROL_KEY_HEADER]: KEY })).status).toBe(200);
    expect((await fetch(`${g}/api/v1/gallery/${KNOWN_GOOD_TOKEN}/photos`)).status).toBe(500);
    expect((await fetch(`${g}/api/v1/events/${KNOWN_GOOD_TOKEN}/stats`)).status).toBe(200);
    guest.misbehave('none');
    await flush();
    expect(readFileSync(logFile, 'utf8')).toContain(
      'production.ERROR: Unable to read from storage disk "public"',
    );
  });

  it('booking: login issues HS256 JWTs with sub/jti/iat/exp; refresh works; a wrong password is logged', async () => {
    const login = await fetch(`${b}/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'barber@6fb.test', password: 'demo-password' }),
    });
    const tokens = (await login.json()) as { access_token: string; refresh_token: string };
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ sub: 'barber@6fb.test', iat: 1767607560 });
    expect(typeof claims.jti).toBe('string');
    expect(
      (await fetch(`${b}/bookings`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status,
    ).toBe(200);
    expect((await fetch(`${b}/bookings`)).status).toBe(401);
    const refreshed = await fetch(`${b}/auth/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    });
    expect(refreshed.status).toBe(200);
    const bad = await fetch(`${b}/auth/login`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '192.0.2.5' },
      body: JSON.stringify({ username: 'eve', password: 'x' }),
    });
    expect(bad.status).toBe(401);
    await flush();
    expect(readFileSync(join(dir, 'logs/uvicorn-access.log'), 'utf8')).toMatch(
      /^INFO: {5}192\.0\.2\.5:\d+ - "POST \/auth\/login HTTP\/1\.1" 401 Unauthorized$/m,
    );
    expect(readFileSync(join(dir, 'logs/security.log'), 'utf8')).toContain(
      'WARNING Login failed ip=192.0.2.5 user=eve',
    );
  });

  it('booking: auth-bypass accepts a forged token; errors answer 500 with an OperationalError line', async () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldmUifQ.bad';
    expect((await fetch(`${b}/bookings`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(
      401,
    );
    booking.misbehave('auth-bypass');
    expect(
      await fetch(`${b}/auth/me`, { headers: { authorization: `Bearer ${forged}` } }).then((r) => r.json()),
    ).toEqual({ username: 'eve' });
    booking.misbehave('errors');
    expect((await fetch(`${b}/sync-status`)).status).toBe(500);
    expect((await fetch(`${b}/health`)).status).toBe(200);
    booking.misbehave('none');
    await flush();
    expect(readFileSync(join(dir, 'logs/uvicorn-error.log'), 'utf8')).toMatch(
      /^ERROR: {4}Exception in ASGI application: .*OperationalError/m,
    );
  });
});
