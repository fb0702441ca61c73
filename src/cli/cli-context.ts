import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { readConfig, type Config } from '../app/config.js';
import { openDesk, type DeskHandle } from '../app/open-desk.js';
import { deskEventBus, type DeskContext } from '../desk/index.js';
import { createNotifier } from '../notify/index.js';
import { createLogger } from '../shared/logger.js';
import type { Clock } from '../shared/clock.js';
import { isRampartError } from '../shared/errors.js';
import type { CliIo } from './io.js';

/** The CLI prints its own errors; library warnings (e.g. unset channel variables) would only repeat them. */
const quietLogger = createLogger({ level: 'error', destination: process.stderr });

export interface CliEnv {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  cwd: string;
  clock?: Clock;
}

export function cliActor(env: NodeJS.ProcessEnv): string {
  let name = env.RAMPART_ACTOR ?? env.USER ?? '';
  if (!name) {
    try {
      name = userInfo().username;
    } catch {
      name = 'unknown';
    }
  }
  return `cli:${name}`;
}

/** Prints a failure the way people and scripts both can read it; exit code 1. */
export function reportError(io: CliIo, error: unknown): void {
  if (isRampartError(error)) {
    io.err(`error: ${error.message}`);
    for (const detail of error.details)
      if (!error.message.includes(detail.message)) io.err(`  ${detail.path ?? ''}: ${detail.message}`);
  } else {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  io.setExitCode(1);
}

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
