import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { hashToken } from '../../shared/secrets.js';
import { eventsArrive, startHarness, type Harness, type HarnessOptions } from '../testing/harness.js';
import { mitigation } from '../testing/mitigation.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
async function start(o: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(o);
  return h;
}

describe('maintenance', () => {
  it('answers 503 with the banner and Retry-After, except on exempt routes', async () => {
    const g = await start({ gateway: { exempt_routes: ['health'], maintenance: { retry_after: '10m' } } });
    await g.state.apply(mitigation(g.clock, 'maintenance', '*', { data: { banner: 'Storage is being repaired.' } }));
    const r = await g.send('/api/v1/events/tok-1/photos');
    expect(r.status).toBe(503);
    expect(r.json()).toEqual({ error: { code: 'maintenance', message: 'Storage is being repaired.' } });
    expect(r.headers['retry-after']).toBe('600');
    expect((await g.send('/health')).status).toBe(200);
    const events = await eventsArrive(g, 2);
    expect(events[0]).toMatchObject({ decision: 'maintenance', status: 503, route: '/api/v1/events/{token}/photos' });
    expect(events[1]).toMatchObject({ decision: 'allowed', status: 200 });
    expect(g.seen.map((s) => s.url)).toEqual(['/health']);
  });

  it('can close a single route and uses the playbook banner by default', async () => {
    const g = await start({ gateway: { maintenance: { banner: 'Back soon.' } } });
    await g.state.apply(mitigation(g.clock, 'maintenance', 'gallery'));
    const r = await g.send('/api/v1/gallery/tok/download');
    expect(r.status).toBe(503);
    expect(r.json()).toMatchObject({ error: { message: 'Back soon.' } });
    expect((await g.send('/api/v1/events/tok/photos')).status).toBe(200);
  });
});

describe('kill switches', () => {
  it('switches off only the routes behind the switch', async () => {
    const g = await start({
      gateway: { switches: [{ name: 'gallery-downloads', routes: ['gallery'], message: 'Downloads are paused.' }] },
    });
    expect((await g.send('/api/v1/gallery/tok/download')).status).toBe(200);
    await g.state.apply(mitigation(g.clock, 'switch-off', 'gallery-downloads'));
    const r = await g.send('/api/v1/gallery/tok/download');
    expect(r.status).toBe(503);
    expect(r.json()).toEqual({ error: { code: 'switched-off', message: 'Downloads are paused.' } });
    expect((await g.send('/api/v1/events/tok/photos')).status).toBe(200);
    expect((await eventsArrive(g, 3))[1]).toMatchObject({ decision: 'switched-off', rule: 'switch:gallery-downloads' });
  });
});

describe('IP blocks', () => {
  it('blocks an IPv4 CIDR with 403 until the block expires on the clock', async () => {
    const g = await start();
    const expiresAt = new Date(g.clock.now().getTime() + 10 * 60_000).toISOString();
    const block = mitigation(g.clock, 'block', '127.0.0.0/8', { expiresAt });
    await g.state.apply(block);
    const r = await g.send('/api/v1/events/tok/photos');
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ error: { code: 'blocked' } });
    g.clock.advance(9 * 60_000);
    expect((await g.send('/api/v1/events/tok/photos')).status).toBe(403);
    g.clock.advance(2 * 60_000);
    expect((await g.send('/api/v1/events/tok/photos')).status).toBe(200);
    expect((await eventsArrive(g, 3))[0]).toMatchObject({ decision: 'blocked', rule: `block:${block.id}`, ip: '127.0.0.1' });
  });

  it('lifts a block early', async () => {
    const g = await start();
    const block = mitigation(g.clock, 'block', '127.0.0.1');
    await g.state.apply(block);
    expect((await g.send('/x')).status).toBe(403);
    await g.state.lift(block.id, 'tester');
    expect((await g.send('/x')).status).toBe(200);
  });

  it('blocks IPv6 clients on ::1 and reports the /64 prefix', async () => {
    const g = await start({ host: '::1' });
    expect((await g.send('/x')).status).toBe(200);
    await g.state.apply(mitigation(g.clock, 'block', '::/64'));
    expect((await g.send('/x')).status).toBe(403);
    const events = await eventsArrive(g, 2);
    expect(events[1]).toMatchObject({ ip: '::1', ipPrefix: '::/64', decision: 'blocked' });
  });
});

describe('client IP', () => {
  it('ignores and flags X-Forwarded-For from an untrusted peer', async () => {
    const g = await start();
    await g.state.apply(mitigation(g.clock, 'block', '203.0.113.9'));
    const r = await g.send('/x', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(r.status).toBe(200);
    expect(g.seen[0]?.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect((await eventsArrive(g, 1))[0]).toMatchObject({ ip: '127.0.0.1', spoofedForwardedFor: true });
  });

  it('walks a trusted X-Forwarded-For chain right to left', async () => {
    const g = await start({ gateway: { trusted_proxies: ['127.0.0.1', '10.0.0.0/8'] } });
    await g.state.apply(mitigation(g.clock, 'block', '198.51.100.0/24'));
    const spoof = '192.0.2.1, 198.51.100.7, 10.1.2.3';
    expect((await g.send('/x', { headers: { 'x-forwarded-for': spoof } })).status).toBe(403);
    // A proxy that writes X-Forwarded-For passes a client's own Forwarded on: it is ignored, flagged, not forwarded.
    expect((await g.send('/x', { headers: { forwarded: 'for="[2001:db8::7]:4711";proto=https' } })).status).toBe(200);
    const events = await eventsArrive(g, 2);
    expect(events[0]).toMatchObject({ ip: '198.51.100.7', ipPrefix: '198.51.100.0/24', spoofedForwardedFor: false });
    expect(events[1]).toMatchObject({ ip: '127.0.0.1', spoofedForwardedFor: true });
    expect(g.seen[0]?.headers.forwarded).toBeUndefined();
    expect(g.seen[0]?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('reads Forwarded for= or X-Real-IP from a proxy range that names that header', async () => {
    const g = await start({ gateway: { trusted_proxies: [{ cidr: '127.0.0.1', header: 'forwarded' }, '10.0.0.0/8'] } });
    expect((await g.send('/x', { headers: { forwarded: 'for="[2001:db8::7]:4711";proto=https',
      'x-forwarded-for': '198.51.100.7' } })).status).toBe(200);
    const events = await eventsArrive(g, 1);
    expect(events[0]).toMatchObject({ ip: '2001:db8::7', ipPrefix: '2001:db8::/64', spoofedForwardedFor: true });
    // The app gets the proxy's Forwarded and an X-Forwarded-For that starts at the judged client.
    expect(g.seen[0]?.headers.forwarded).toBe('for="[2001:db8::7]:4711";proto=https');
    expect(g.seen[0]?.headers['x-forwarded-for']).toBe('2001:db8::7, 127.0.0.1');
  });
});

describe('token revocation', () => {
  it('revokes a path token by keyed hash, and events carry only hash and preview', async () => {
    const g = await start({ gateway: { tokens: [{ name: 'join', in: 'path', routes: ['events', 'event-photos'] }] } });
    const token = 'join-7f3a9c2e11d4';
    const revoke = mitigation(g.clock, 'revoke-token', hashToken(token, 'test-key'));
    await g.state.apply(revoke);
    const r = await g.send(`/api/v1/events/${token}/photos`);
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({ error: { code: 'revoked', message: 'This token has been revoked.' } });
    expect((await g.send('/api/v1/events/join-other-token/photos')).status).toBe(200);
    const events = await eventsArrive(g, 2);
    expect(events[0]).toMatchObject({ decision: 'revoked', rule: `revoke-token:${revoke.id}`,
      tokenHash: hashToken(token, 'test-key'), tokenPreview: 'join…d4' });
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('finds tokens in a query parameter and in a header', async () => {
    const g = await start({ gateway: { tokens: [
      { name: 'download', in: 'query', param: 'sig' },
      { name: 'api-key', in: 'header', header: 'X-Api-Key' },
    ] } });
    await g.state.apply(mitigation(g.clock, 'revoke-token', hashToken('q-secret-1', 'test-key')));
    await g.state.apply(mitigation(g.clock, 'revoke-token', hashToken('h-secret-2', 'test-key')));
    expect((await g.send('/files/a.jpg?x=1&sig=q-secret-1')).status).toBe(401);
    expect((await g.send('/files/a.jpg?sig=q-secret-9')).status).toBe(200);
    expect((await g.send('/me', { headers: { 'x-api-key': 'h-secret-2' } })).status).toBe(401);
    expect((await g.send('/me', { headers: { 'x-api-key': 'h-secret-3' } })).status).toBe(200);
  });

  it('refuses a query naming the token twice with different values (PHP and Starlette take the last)', async () => {
    const g = await start({ gateway: { tokens: [{ name: 'download', in: 'query', param: 'sig' }] } });
    await g.state.apply(mitigation(g.clock, 'revoke-token', hashToken('q-secret-1', 'test-key')));
    const r = await g.send('/files/a.jpg?sig=q-secret-9&sig=q-secret-1');
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'ambiguous-token' } });
    expect(g.seen).toHaveLength(0);
    expect((await g.send('/files/a.jpg?sig=q-secret-9&sig=q-secret-9')).status).toBe(200);
  });
});

describe('JWT', () => {
  const secret = 'a-very-long-hmac-secret-for-tests-only-0123456789';
  const jwtGateway: HarnessOptions = {
    env: { JWT_SECRET: secret },
    gateway: { tokens: [{ name: 'session', in: 'jwt', claims: { tenant: 'tenant_id' },
      verify: { algorithms: ['HS256'], secret_env: 'JWT_SECRET' } }] },
  };
  async function sign(g: Harness, claims: Record<string, unknown>, iatOffsetS = -60, key = secret): Promise<string> {
    const iat = Math.floor(g.clock.now().getTime() / 1000) + iatOffsetS;
    return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(iat).setExpirationTime(iat + 3600)
      .sign(new TextEncoder().encode(key));
  }
  const bearer = (t: string): { headers: Record<string, string> } => ({ headers: { authorization: `Bearer ${t}` } });

  it('verifies the signature: a forged token is 401 invalid-token, a good one carries its claims', async () => {
    const g = await start(jwtGateway);
    const forged = await sign(g, { sub: 'u1' }, -60, 'another-secret-another-secret-another');
    const bad = await g.send('/bookings/1', bearer(forged));
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid-token' } });
    const good = await sign(g, { sub: 'u1', jti: 'j1', tenant_id: 'shop-9' });
    expect((await g.send('/bookings/1', bearer(good))).status).toBe(200);
    expect((await g.send('/bookings/1', bearer(good))).status).toBe(200);
    const events = await eventsArrive(g, 3);
    expect(events[0]).toMatchObject({ decision: 'invalid', status: 401 });
    expect(events[1]).toMatchObject({ subject: 'u1', tenant: 'shop-9', decision: 'allowed' });
    expect(g.seen).toHaveLength(2);
  });

  it('revokes by jti', async () => {
    const g = await start(jwtGateway);
    await g.state.apply(mitigation(g.clock, 'revoke-jti', 'j-stolen'));
    expect((await g.send('/bookings', bearer(await sign(g, { sub: 'u1', jti: 'j-stolen' })))).status).toBe(401);
    expect((await g.send('/bookings', bearer(await sign(g, { sub: 'u1', jti: 'j-fresh' })))).status).toBe(200);
  });

  it('revokes a subject\'s tokens issued before the epoch, not newer ones', async () => {
    const g = await start(jwtGateway);
    const old = await sign(g, { sub: 'u1' }, -60);
    const otherUser = await sign(g, { sub: 'u2' }, -60);
    await g.state.apply(mitigation(g.clock, 'revoke-subject', 'u1'));
    g.clock.advance(5_000);
    const fresh = await sign(g, { sub: 'u1' }, 0);
    expect((await g.send('/bookings', bearer(old))).status).toBe(401);
    expect((await g.send('/bookings', bearer(otherUser))).status).toBe(200);
    expect((await g.send('/bookings', bearer(fresh))).status).toBe(200);
    expect((await eventsArrive(g, 1))[0]).toMatchObject({ decision: 'revoked', rule: 'revoke-subject' });
  });

  it('revokes every session issued before a global epoch', async () => {
    const g = await start(jwtGateway);
    const a = await sign(g, { sub: 'u1' }, -60);
    const b = await sign(g, { sub: 'u2' }, -10);
    await g.state.apply(mitigation(g.clock, 'revoke-all', '*'));
    g.clock.advance(2_000);
    expect((await g.send('/bookings', bearer(a))).status).toBe(401);
    expect((await g.send('/bookings', bearer(b))).status).toBe(401);
    expect((await g.send('/bookings', bearer(await sign(g, { sub: 'u1' }, 0)))).status).toBe(200);
    expect((await g.send('/bookings')).status).toBe(200);
  });
});

describe('rate limits', () => {
  const perIp: HarnessOptions = {
    gateway: {
      exempt_routes: ['health'],
      rate_limits: [{ name: 'per-ip', key: 'ip', limit: 3, window: '60s', headers: ['ietf', 'x-ratelimit'] }],
    },
  };

  it('sends RateLimit headers, then 429 with Retry-After, then allows again as time passes', async () => {
    const g = await start(perIp);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await g.send('/api/v1/events/t/photos');
      expect(r.status).toBe(200);
      expect(r.headers['ratelimit-policy']).toBe('"per-ip";q=3;w=60');
      remaining.push(String(r.headers.ratelimit));
      expect(r.headers['x-ratelimit-limit']).toBe('3');
    }
    expect(remaining).toEqual(['"per-ip";r=2;t=20', '"per-ip";r=1;t=40', '"per-ip";r=0;t=60']);
    const limited = await g.send('/api/v1/events/t/photos');
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate-limited' } });
    expect(limited.headers['retry-after']).toBe('20');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect((await g.send('/health')).status).toBe(200);
    g.clock.advance(20_000);
    expect((await g.send('/api/v1/events/t/photos')).status).toBe(200);
    expect((await eventsArrive(g, 4))[3]).toMatchObject({ decision: 'rate-limited', rule: 'rate-limit:per-ip', status: 429 });
    expect(g.seen).toHaveLength(5);
  });

  it('lets burst requests through on top of the limit', async () => {
    const g = await start({ gateway: { rate_limits: [{ name: 'b', key: 'global', limit: 2, window: '10s', burst: 2 }] } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await g.send('/x')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('keys limits by token, route and prefix independently', async () => {
    const g = await start({ gateway: {
      tokens: [{ name: 'join', in: 'path', routes: ['events'] }],
      rate_limits: [
        { name: 'per-token', key: 'token', routes: ['events'], limit: 1, window: '60s' },
        { name: 'per-prefix', key: 'ip_prefix', routes: ['gallery'], limit: 2, window: '60s' },
      ],
    } });
    expect((await g.send('/api/v1/events/aaaa1111/x')).status).toBe(200);
    expect((await g.send('/api/v1/events/aaaa1111/x')).status).toBe(429);
    expect((await g.send('/api/v1/events/bbbb2222/x')).status).toBe(200);
    expect((await g.send('/api/v1/gallery/t/x')).status).toBe(200);
    expect((await g.send('/api/v1/gallery/u/x')).status).toBe(200);
    expect((await g.send('/api/v1/gallery/v/x')).status).toBe(429);
    expect((await g.send('/unrouted')).status).toBe(200);
  });

  it('a shadow limit counts what it would refuse on the event, never answers 429, never shows its headers', async () => {
    const g = await start({ gateway: { rate_limits: [
      { name: 'trial', key: 'ip', limit: 2, window: '60s', shadow: true },
      { name: 'real', key: 'ip', limit: 4, window: '60s' },
    ] } });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await g.send('/x'));
    // Only the real limit refuses (the 5th), and only it is in the headers.
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(answers[0]?.headers['ratelimit-policy']).toBe('"real";q=4;w=60');
    const events = await eventsArrive(g, 5);
    expect(events.map((e) => e.fields.shadowLimited)).toEqual([null, null, 'trial', 'trial', 'trial']);
    expect(events.map((e) => e.decision)).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'rate-limited']);
  });

  it('applies a temporary override until it expires', async () => {
    const g = await start(perIp);
    const expiresAt = new Date(g.clock.now().getTime() + 60_000).toISOString();
    await g.state.apply(mitigation(g.clock, 'limit-override', 'per-ip', { expiresAt, data: { limit: 1 } }));
    const first = await g.send('/x');
    expect(first.headers['ratelimit-policy']).toBe('"per-ip";q=1;w=60');
    expect((await g.send('/x')).status).toBe(429);
    g.clock.advance(61_000);
    const after = await g.send('/x');
    expect(after.status).toBe(200);
    expect(after.headers['ratelimit-policy']).toBe('"per-ip";q=3;w=60');
  });
});
