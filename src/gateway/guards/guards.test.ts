import { afterEach, describe, expect, it } from 'vitest';
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
    expect((await g.send('/x', { headers: { forwarded: 'for="[2001:db8::7]:4711";proto=https' } })).status).toBe(200);
    const events = await eventsArrive(g, 2);
    expect(events[0]).toMatchObject({ ip: '198.51.100.7', ipPrefix: '198.51.100.0/24', spoofedForwardedFor: false });
    expect(events[1]).toMatchObject({ ip: '2001:db8::7', ipPrefix: '2001:db8::/64' });
    // From a trusted peer the forwarding headers reach the app, with the peer appended.
    expect(g.seen[0]?.headers.forwarded).toBe('for="[2001:db8::7]:4711";proto=https');
    expect(g.seen[0]?.headers['x-forwarded-for']).toBe('127.0.0.1');
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
});
