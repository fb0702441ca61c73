import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOf, extendMitigation } from '../../desk/index.js';
import { testPolicy } from '../../desk/testing/test-policy.js';
import { addBouncer } from '../../enforcement/bouncer-keys.js';
import type { Mitigation } from '../../domain/mitigation.js';
import type { Playbook } from '../../playbook/index.js';
import { openStore, type Store } from '../../store/index.js';
import { startConsoleApi, type ConsoleApi } from '../testing/console-api.js';

/** Only what the decisions API reads of a playbook: the service, and whether bouncers are served. */
const playbook = (name: string, bouncers: boolean) =>
  ({ service: { name }, enforcement: { bouncers, hooks: [], ack_within: 30_000 } }) as unknown as Playbook;

describe("CrowdSec bouncers read Rampart's blocks from a Local API of the same shape", () => {
  let store: Store;
  let api: ConsoleApi;
  let key = '';
  let n = 0;

  const block = (target: string, o: Partial<Mitigation> = {}) =>
    store.mitigations.create({
      id: `mit-0000000${++n}`,
      service: 'guest-api',
      kind: 'block',
      target,
      reason: 'rule token-enumeration: Join-token enumeration from one network',
      author: 'detector',
      incidentId: null,
      createdAt: api.clock.now().toISOString(),
      expiresAt: new Date(api.clock.now().getTime() + 4 * 3_600_000).toISOString(),
      liftedAt: null,
      liftedBy: null,
      data: {},
      ...o,
    });
  const pull = async (path: string, apiKey = key) => {
    const res = await fetch(`${api.base}${path}`, {
      headers: { 'x-api-key': apiKey, 'user-agent': 'crowdsec-custom-bouncer/v0.0.15' },
    });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    store = await openStore('sqlite::memory:', { cwd: process.cwd() });
    api = await startConsoleApi(store, {
      playbooks: [playbook('guest-api', true), playbook('booking-api', false)],
    });
    key = (await addBouncer({ store, clock: api.clock, actor: 'test' }, 'edge-nginx')).key;
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  it('refuses a missing or wrong X-Api-Key as the Local API does, and no API key of Rampart opens it', async () => {
    expect(await pull('/v1/decisions/stream?startup=true', '')).toEqual({
      status: 403,
      text: '{"message":"access forbidden"}',
    });
    expect((await pull('/v1/decisions/stream?startup=true', `${key}x`)).status).toBe(403);
    expect((await pull('/v1/decisions?ip=1.2.3.4', api.keys.admin)).status).toBe(403);
  });

  it('startup sends every address and range block in force, in CrowdSec decision JSON; later pulls send what changed', async () => {
    const ip = await block('203.0.113.7');
    const range = await block('198.51.100.0/24', {
      reason: 'blocked by hand',
      author: 'cli:alice',
      expiresAt: null,
    });
    // Not for bouncers: a token revocation, and a block of a service whose playbook does not serve bouncers.
    await block('hash-of-a-token', { kind: 'revoke-token' });
    await block('192.0.2.1', { service: 'booking-api' });
    api.clock.advance(2000);

    const first = await pull('/v1/decisions/stream?startup=true');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({
      new: [
        {
          duration: '3h59m58s',
          id: 1,
          origin: 'rampart',
          scenario: 'rampart/token-enumeration',
          scope: 'Ip',
          type: 'ban',
          until: ip.expiresAt,
          uuid: ip.id,
          value: '203.0.113.7',
        },
        {
          duration: '87600h0m0s',
          id: 2,
          origin: 'rampart',
          scenario: 'rampart/manual',
          scope: 'Range',
          type: 'ban',
          uuid: range.id,
          value: '198.51.100.0/24',
        },
      ],
      deleted: null,
    });
    // Scopes filter as in CrowdSec (comma-separated, any case); origins too.
    const added = async (path: string) =>
      (JSON.parse((await pull(path)).text) as { new: unknown[] | null }).new;
    expect(await added('/v1/decisions/stream?startup=true&scopes=Range')).toHaveLength(1);
    expect(await added('/v1/decisions/stream?startup=true&origins=crowdsec')).toBeNull();

    // Nothing changed since: both lists are null, as Go marshals an empty list.
    api.clock.advance(5000);
    expect((await pull('/v1/decisions/stream')).text).toBe('{"new":null,"deleted":null}');

    api.clock.advance(5000);
    const later = await block('203.0.113.99', {
      expiresAt: new Date(api.clock.now().getTime() + 600_000).toISOString(),
    });
    await store.mitigations.lift(ip.id, api.clock.now().toISOString(), 'cli:bob');
    api.clock.advance(1000);
    const delta = JSON.parse((await pull('/v1/decisions/stream')).text) as Record<
      string,
      { uuid: string; duration: string }[]
    >;
    expect(delta.new?.map((d) => [d.uuid, d.duration])).toEqual([[later.id, '9m59s']]);
    expect(delta.deleted?.map((d) => d.uuid)).toEqual([ip.id]);

    // The pull is the bouncer's acknowledgement: it has the range and the new block, and let the lifted one go.
    await new Promise((r) => setTimeout(r, 100));
    const records = await store.enforcement.list([ip.id, range.id, later.id]);
    expect(records.map((r) => [r.mitigationId, r.pointKind, r.pointName, r.state]).sort()).toEqual(
      [
        [ip.id, 'bouncer', 'edge-nginx', 'removed'],
        [range.id, 'bouncer', 'edge-nginx', 'enforcing'],
        [later.id, 'bouncer', 'edge-nginx', 'enforcing'],
      ].sort(),
    );
    const [bouncer] = await store.bouncers.list();
    expect(bouncer).toMatchObject({ name: 'edge-nginx', userAgent: 'crowdsec-custom-bouncer/v0.0.15' });
    expect(JSON.stringify(bouncer)).not.toContain(key);
  });

  it("keeps a bouncer's user agent inert: C1 controls from a latin1 header are stored as escapes", async () => {
    // 0x9B is an 8-bit CSI to a terminal, 0x85 a line break (NEL); node:http sends and reads them as latin1.
    const status = await new Promise<number>((done, fail) => {
      const req = request(
        `${api.base}/v1/decisions/stream`,
        { headers: { 'x-api-key': key, 'user-agent': 'bouncer/1 \u009b2J\u0085x\\' } },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        },
      );
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const [bouncer] = await store.bouncers.list();
    expect(bouncer?.userAgent).toBe('bouncer/1 \\x9b2J\\x85x\\\\');
  });

  it('sends an extended block again with its new duration', async () => {
    const [later] = (
      await store.mitigations.list({ service: 'guest-api', inForceAt: api.clock.now().toISOString() })
    ).filter((m) => m.target === '203.0.113.99');
    api.clock.advance(1000);
    await extendMitigation({
      ctx: { store, clock: api.clock, services: catalogOf([testPolicy]), actor: 'cli:alice' },
      input: { id: later!.id, forMs: 7_200_000, reason: 'still probing' },
    });
    api.clock.advance(1000);
    const delta = JSON.parse((await pull('/v1/decisions/stream')).text) as {
      new: { uuid: string; duration: string }[];
    };
    expect(delta.new.map((d) => [d.uuid, d.duration])).toEqual([[later!.id, '1h59m59s']]);
  });

  it('answers live queries by ip, range, scope/value and type; null when nothing matches', async () => {
    const hits = async (query: string) =>
      (JSON.parse((await pull(`/v1/decisions?${query}`)).text) as { value: string }[] | null)?.map(
        (d) => d.value,
      ) ?? null;
    expect(await hits('ip=198.51.100.42')).toEqual(['198.51.100.0/24']);
    expect(await hits('ip=203.0.113.99')).toEqual(['203.0.113.99']);
    expect(await hits('range=198.51.100.128/25')).toEqual(['198.51.100.0/24']);
    expect(await hits('range=198.51.0.0/16&contains=false')).toEqual(['198.51.100.0/24']);
    expect(await hits('scope=range&value=198.51.100.0/24')).toEqual(['198.51.100.0/24']);
    expect(await hits('ip=198.51.100.42&type=captcha')).toBeNull();
    expect((await pull('/v1/decisions?ip=10.9.8.7')).text).toBe('null');
    expect(await pull('/v1/decisions?ip=not-an-ip')).toMatchObject({ status: 400 });
  });
});
