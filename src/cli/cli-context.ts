import type { Command } from 'commander';
import { readConfig, type Config } from '../app/config.js';
import { openDesk, type DeskHandle } from '../app/open-desk.js';
import { deskEventBus, type DeskContext } from '../desk/index.js';
import { createNotifier } from '../notify/index.js';
import { createLogger } from '../shared/logger.js';
import { reportError, cliActor } from './cli-env.js';
import type { CliEnv } from './cli-env.js';

/** The CLI prints its own errors; library warnings (e.g. unset channel variables) would only repeat them. */
const quietLogger = createLogger({ level: 'error', destination: process.stderr });

export { cliActor, reportError } from './cli-env.js';
export type { CliEnv } from './cli-env.js';

/** Opens the desk for one command (playbooks from --playbooks or ./playbooks), runs it, always closes it. */
export async function withDesk(
  cli: CliEnv,
  command: Command,
  work: (desk: DeskHandle, ctx: DeskContext, config: Config) => Promise<void>,
): Promise<void> {
  let desk: DeskHandle | undefined;
  try {
    const config = readConfig(cli.env);
    const playbooks = command.optsWithGlobals<{ playbooks?: string }>().playbooks;
    desk = await openDesk({
      config,
      cwd: cli.cwd,
      env: cli.env,
      ...(playbooks ? { playbooks } : {}),
      ...(cli.clock ? { clock: cli.clock } : {}),
    });
    // A change made here is told to on-call like any other: its messages go into the outbox in the change's own
    // transaction, and the running Rampart's dispatcher sends them. Nothing is sent from this process itself.
    const notifier = createNotifier({
      store: desk.store,
      clock: desk.clock,
      playbooks: desk.playbooks,
      env: cli.env,
      logger: quietLogger,
    });
    const events = deskEventBus();
    events.onWithin(async (tx, event) => {
      await notifier.enqueueWithin(tx, event);
    });
    // Whoever runs the CLI holds the database itself: they act as an admin (e.g. may override verification).
    const ctx: DeskContext = {
      store: desk.store,
      clock: desk.clock,
      services: desk.services,
      actor: cliActor(cli.env),
      role: 'admin',
      events,
    };
    await work(desk, ctx, config);
  } catch (error) {
    reportError(cli.io, error);
  } finally {
    await desk?.close();
  }
}
