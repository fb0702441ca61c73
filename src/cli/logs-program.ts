import { Command } from 'commander';
import type { CliEnv } from './cli-env.js';
import { registerLogsCommands } from './commands/logs.js';

/**
 * `rampart logs …` alone: main.ts builds this instead of the whole command tree when the first command is
 * `logs`, so `rampart logs replay` does not load the gateway, the desk, the stores and the console first (a
 * third of a second of CPU before the first line is read).
 */
export function buildLogsProgram(cli: CliEnv): Command {
  const program = new Command('rampart')
    .option('--playbooks <dir>', 'playbook directory (default RAMPART_PLAYBOOKS or ./playbooks)')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => cli.io.out(s.trimEnd()), writeErr: (s) => cli.io.err(s.trimEnd()) });
  registerLogsCommands(program, cli);
  return program;
}

/** Whether argv (without node and the script) runs a `logs` command, global options aside. */
export function isLogsCommand(args: readonly string[]): boolean {
  let i = 0;
  while (i < args.length && (args[i] ?? '').startsWith('--')) i += (args[i] ?? '').includes('=') ? 1 : 2;
  return args[i] === 'logs' && args.length > i + 1 && !args.includes('--help') && !args.includes('-h');
}
