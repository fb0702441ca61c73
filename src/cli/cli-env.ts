import { userInfo } from 'node:os';
import type { Clock } from '../shared/clock.js';
import { isRampartError } from '../shared/errors.js';
import type { CliIo } from './io.js';

/*
 * What every command needs from its surroundings, without the desk: `rampart logs …` loads only this, so a
 * replay does not start by loading the store, the gateway and the notifiers (cli-context.ts has those).
 */

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

