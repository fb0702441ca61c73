import { buildProgram } from '../../src/cli/program.js';
import type { Clock } from '../../src/shared/clock.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `rampart …` in-process with captured output, as a person at a terminal would see it. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; clock?: Clock },
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = buildProgram({
    io: { out: (l) => out.push(l), err: (l) => err.push(l), setExitCode: (c) => (code = c) },
    env: { RAMPART_ACTOR: 'tester', ...options.env },
    cwd: options.cwd,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  program.exitOverride();
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    const exit = error as { exitCode?: number };
    code = exit.exitCode ?? 1;
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}
