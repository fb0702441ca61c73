import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleApi, type ConsoleApi } from '../api/testing/console-api.js';
import { healthReasons } from '../app/health/health-report.js';
import { syncMitigations } from '../app/mitigation-sync.js';
import { endCrashedPredecessors } from '../app/start-gateways.js';
import { buildProgram } from '../cli/program.js';
import { catalogOf } from '../desk/index.js';
import { testPolicy } from '../desk/testing/test-policy.js';
import { MemoryState } from '../gateway/state/index.js';
import { mitigation } from '../gateway/testing/mitigation.js';
import type { Playbook } from '../playbook/index.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { openStore, type Store } from '../store/index.js';
import { withCoverage } from './coverage-view.js';
import { watchCoverage } from './coverage-watch.js';
import { shopPlaybook } from './testing/shop-playbook.js';

const PLAYBOOK = shopPlaybook();
const shop = {
  service: { name: 'shop' },
  enforcement: { bouncers: true, hooks: [], ack_within: 30_000 },
} as unknown as Playbook;
const silent = createLogger({ level: 'silent' });

interface Coverage {
  enforcement: { enforced: boolean; summary: string; points: { pointName: string; state: string }[] };
}

/**
 * A bouncer that crashed keeps no block in force, so Rampart must not keep saying it enforces one. From the
 * outside: a bouncer registered with the CLI pulls over HTTP as crowdsec-firewall-bouncer does; once it has not
 * pulled for 90 s the API, the CLI, the coverage watch and /healthz all say stale; its next pull makes it
 * enforcing again.
 */
describe('a bouncer that stops pulling', () => {
  let cwd = '';
  let store: Store;
  let api: ConsoleApi;
  let key = '';

  async function run(...args: string[]) {
    const out: string[] = [];
    const program = buildProgram({
      io: { out: (l) => out.push(l), err: (l) => out.push(l), setExitCode: () => undefined },
      env: { RAMPART_ACTOR: 'alice' },
      cwd,
      clock: api.clock,
    });
    program.exitOverride();
    await program.parseAsync(args, { from: 'user' });
    return out.join('\n');
  }
  const pull = async (path: string) => {
    const res = await fetch(`${api.base}${path}`, {
      headers: { 'x-api-key': key, 'user-agent': 'crowdsec-firewall-bouncer/v0.0.31' },
    });
    expect(res.status).toBe(200);
    await res.text();
    await new Promise((r) => setTimeout(r, 100)); // acknowledgements are written after the answer
  };
  const mitigations = async () => {
    const res = await fetch(`${api.base}/v1/mitigations`, {
      headers: { authorization: `Bearer ${api.keys.viewer}` },
    });
    return ((await res.json()) as { mitigations: Coverage[] }).mitigations;
  };
  const health = async () => {
    const res = await fetch(`${api.base}/healthz`);
    return (await res.json()) as {
      status: string;
      reasons: { code: string; point?: string; message: string }[];
    };
  };

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'rampart-stale-'));
    mkdirSync(join(cwd, 'playbooks'));
    writeFileSync(join(cwd, 'playbooks', 'shop.yaml'), PLAYBOOK);
    store = await openStore(`sqlite:${join(cwd, '.rampart', 'rampart.db')}`, { cwd });
    api = await startConsoleApi(store, {
      playbooks: [shop],
      healthReasons: () =>
        healthReasons({
          store,
          now: () => api.clock.now().getTime(),
          sources: () => [],
          stalledAfterMs: 60_000,
          outboxStuckAfterMs: 60_000,
        }),
    });
    key = /^\s+(rb_\S+)$/m.exec(await run('bouncers', 'add', 'edge-nginx'))?.[1] ?? '';
    expect(key).not.toBe('');
    await run('block', '203.0.113.7', '--service', 'shop', '--for', '4h', '--reason', 'by hand');
  });
  afterAll(async () => {
    await api.close();
    await store.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('shows stale, not enforcing, in the API, the CLI, the coverage watch and /healthz; a pull brings it back', async () => {
    await pull('/v1/decisions/stream?startup=true');
    expect((await mitigations())[0]!.enforcement).toMatchObject({
      enforced: true,
      summary: 'bouncer edge-nginx',
      points: [{ pointName: 'edge-nginx', state: 'enforcing' }],
    });
    expect(await run('bouncers', 'list')).toMatch(/edge-nginx\s+pulling/);

    // Pulling every minute keeps it enforcing, though it was told of the block two minutes ago.
    api.clock.advance(60_000);
    await pull('/v1/decisions/stream');
    api.clock.advance(60_000);
    await pull('/v1/decisions/stream');
    api.clock.advance(60_000);
    expect((await mitigations())[0]!.enforcement.enforced).toBe(true);
    expect(await health()).toMatchObject({ status: 'ok', reasons: [] });
    const watch = watchCoverage({
      playbooks: [shop],
      ctx: { store, clock: api.clock, services: catalogOf([testPolicy]), actor: 'enforcement' },
      logger: silent,
      intervalMs: 3_600_000,
    });
    await watch.check();
    expect(await store.audit.list({ action: 'mitigation.unenforced', limit: 10 })).toEqual([]);

    // It crashes: no pull for 91 s after the last.
    api.clock.advance(31_000);
    const stale = (await mitigations())[0]!.enforcement;
    expect(stale).toMatchObject({ enforced: false, points: [{ pointName: 'edge-nginx', state: 'stale' }] });
    expect(stale.summary).toBe('recorded but not enforced (bouncer edge-nginx stale, last heard 91s ago)');
    expect(await run('bouncers', 'list')).toMatch(/edge-nginx\s+stale \(91s ago\)/);
    expect(await run('mitigations')).toContain('recorded but not enforced (bouncer edge-nginx stale');
    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.reasons).toEqual([
      expect.objectContaining({ code: 'enforcement-stale', point: 'bouncer edge-nginx' }),
    ]);
    expect(degraded.reasons[0]!.message).toContain('holds 1 mitigation(s) in force');

    // The coverage watch, which found it enforced before, marks it now.
    await watch.check();
    watch.stop();
    const marked = await store.audit.list({ action: 'mitigation.unenforced', limit: 10 });
    expect(marked.map((e) => String(e.details.summary))).toEqual([
      expect.stringContaining(
        'recorded but not enforced: no gateway, bouncer or hook has it (bouncer edge-nginx stale)',
      ),
    ]);

    // It comes back: one pull and it enforces again.
    await pull('/v1/decisions/stream');
    expect((await mitigations())[0]!.enforcement).toMatchObject({
      enforced: true,
      summary: 'bouncer edge-nginx',
    });
    expect(await health()).toMatchObject({ status: 'ok' });
    expect(await run('bouncers', 'list')).toMatch(/edge-nginx\s+pulling/);
  });
});

describe('a gateway that stops running', () => {
  it('is enforcing while its sync runs, and stale 90 s after its last heartbeat', async () => {
    const store = await openStore('sqlite::memory:', { cwd: process.cwd() });
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    try {
      const m = await store.mitigations.create(
        mitigation(clock, 'block', '203.0.113.9', {
          id: 'mit-gw-1',
          service: 'shop',
          reason: 'by hand',
          author: 'cli:alice',
        }),
      );
      const point = { pointKind: 'gateway' as const, pointName: 'shop@host:1' };
      const sync = syncMitigations({
        store,
        state: new MemoryState({ clock }),
        service: 'shop',
        clock,
        logger: silent,
        acknowledge: (x) =>
          store.enforcement.acknowledge({ ...point, mitigationId: x.id, at: clock.now().toISOString() }),
        heartbeat: async () => {
          await store.enforcement.touchPoint(point.pointKind, point.pointName, clock.now().toISOString());
        },
      });
      const coverage = async () => (await withCoverage(store, [m], clock.now()))[0]!.enforcement;
      await sync.reconcile();
      for (let i = 0; i < 20; i += 1) {
        clock.advance(15_000);
        await sync.reconcile();
      }
      expect(await coverage()).toMatchObject({ enforced: true, summary: 'gateway shop@host:1' });
      // The process dies: no more passes.
      clock.advance(91_000);
      expect(await coverage()).toMatchObject({
        enforced: false,
        summary: 'recorded but not enforced (gateway shop@host:1 stale, last heard 91s ago)',
        points: [{ state: 'stale' }],
      });
      const reasons = await healthReasons({
        store,
        now: () => clock.now().getTime(),
        sources: () => [],
        stalledAfterMs: 60_000,
        outboxStuckAfterMs: 60_000,
      });
      expect(reasons).toEqual([
        expect.objectContaining({ code: 'enforcement-stale', point: 'gateway shop@host:1' }),
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('a gateway restarted on the same host', () => {
  it("ends the stale holds its crashed predecessor left, and leaves a live sibling's", async () => {
    const store = await openStore('sqlite::memory:', { cwd: process.cwd() });
    const clock = new ManualClock('2026-03-02T09:00:00.000Z');
    try {
      const prefix = `shop@${hostname()}:`;
      const at = () => clock.now().toISOString();
      await store.enforcement.acknowledge({
        mitigationId: 'mit-1',
        pointKind: 'gateway',
        pointName: `${prefix}100`,
        at: at(),
      });
      clock.advance(60_000);
      await store.enforcement.acknowledge({
        mitigationId: 'mit-1',
        pointKind: 'gateway',
        pointName: `${prefix}200`,
        at: at(),
      });
      await store.enforcement.acknowledge({
        mitigationId: 'mit-1',
        pointKind: 'gateway',
        pointName: 'shop@elsewhere:100',
        at: at(),
      });
      clock.advance(31_000); // pid 100 unheard for 91 s, pid 200 for 31 s
      expect(await endCrashedPredecessors(store, 'shop', `${prefix}300`, clock.now())).toBe(1);
      const states = Object.fromEntries(
        (await store.enforcement.list(['mit-1'])).map((r) => [r.pointName, r.state]),
      );
      expect(states).toEqual({
        [`${prefix}100`]: 'removed',
        [`${prefix}200`]: 'enforcing',
        'shop@elsewhere:100': 'enforcing',
      });
    } finally {
      await store.close();
    }
  });
});
