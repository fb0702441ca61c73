import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/app/config.js';
import { startApp, type RunningApp } from '../../src/app/compose.js';
import { createLogger } from '../../src/shared/logger.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../support/run-cli.js';
import { createWorkspace, waitFor, type Workspace } from '../support/workspace.js';

describe("Rampart's gateways acknowledge the mitigations they enforce", () => {
  let ws: Workspace;
  let app: RunningApp;
  let stopped = false;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    ws = await createWorkspace();
    app = await startApp({
      config: readConfig({}),
      cwd: ws.cwd,
      port: 0,
      logger,
      env: {},
      gatewayListen: () => ({ host: '127.0.0.1', port: 0 }),
    });
  });
  afterAll(async () => {
    if (!stopped) await app?.stop();
    await ws?.close();
  });

  it('a block typed in another terminal is held by the running gateway, released when lifted or when the gateway stops', async () => {
    const blocked = await runCli(
      ['block', '198.51.100.23', '--service', 'guest-api', '--for', '1h', '--reason', 'e2e', '--json'],
      { cwd: ws.cwd },
    );
    expect(blocked.code).toBe(0);
    const [m] = JSON.parse(blocked.out) as { id: string }[];
    const store = app.desk.store;
    const holds = async () =>
      (await store.enforcement.list([m!.id])).filter((r) => r.pointKind === 'gateway');
    // The running gateway picks it up on its sync and says so.
    await waitFor(async () => (await holds()).some((r) => r.state === 'enforcing'), 5000, 20);
    expect((await holds())[0]?.pointName).toMatch(new RegExp(`^guest-api@.+:${process.pid}$`));
    expect((await runCli(['mitigations'], { cwd: ws.cwd })).out).toMatch(/gateway guest-api@\S+/);

    const lifted = await runCli(['lift', m!.id, '--reason', 'e2e done'], { cwd: ws.cwd });
    expect(lifted.code).toBe(0);
    await waitFor(async () => (await holds()).every((r) => r.state === 'removed'), 5000, 20);

    // A gateway that stops enforces nothing any more: its holds end with it.
    const again = await runCli(
      ['block', '198.51.100.24', '--service', 'guest-api', '--reason', 'e2e', '--json'],
      {
        cwd: ws.cwd,
      },
    );
    const [held] = JSON.parse(again.out) as { id: string }[];
    await waitFor(
      async () => (await store.enforcement.list([held!.id])).some((r) => r.state === 'enforcing'),
      5000,
      20,
    );
    await app.stop();
    stopped = true;
    const reopened = await openStore(`sqlite:${join(ws.cwd, '.rampart', 'rampart.db')}`, { cwd: ws.cwd });
    try {
      expect((await reopened.enforcement.list([held!.id])).map((r) => r.state)).toEqual(['removed']);
    } finally {
      await reopened.close();
    }
  });
});
