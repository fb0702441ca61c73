import { Command } from 'commander';
import { VERSION } from '../app/compose.js';
import type { CliEnv } from './cli-context.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerBouncerCommands } from './commands/bouncers.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDrillCommand } from './commands/drill.js';
import { registerGatewayCommand } from './commands/gateway.js';
import { registerIncidentCommands } from './commands/incident.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerLogsCommands } from './commands/logs.js';
import { registerMitigationCommands } from './commands/mitigations.js';
import { registerMonitorCommands } from './commands/monitors.js';
import { registerNotifyCommands } from './commands/notify.js';
import { registerPlaybookCommands } from './commands/playbook.js';
import { registerRulesCommands } from './commands/rules.js';
import { registerUpCommand } from './commands/up.js';
import { refuseUnstorableArguments } from './options.js';

/** The whole `rampart` command tree; main.ts runs it against the real process, tests against captured output. */
export function buildProgram(
  cli: CliEnv,
  hooks: { onStarted?: (stop: () => Promise<void>) => void } = {},
): Command {
  const program = new Command('rampart')
    .description('Executable incident-response playbooks for public HTTP APIs')
    .version(VERSION)
    .option('--playbooks <dir>', 'playbook directory (default RAMPART_PLAYBOOKS or ./playbooks)')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => cli.io.out(s.trimEnd()), writeErr: (s) => cli.io.err(s.trimEnd()) });
  refuseUnstorableArguments(program);
  registerUpCommand(program, cli, hooks.onStarted);
  registerGatewayCommand(program, cli, hooks.onStarted);
  registerDemoCommand(program, cli, hooks.onStarted);
  registerDrillCommand(program, cli);
  registerIncidentCommands(program, cli);
  registerPlaybookCommands(program, cli.io, undefined, cli.cwd);
  registerMitigationCommands(program, cli);
  registerNotifyCommands(program, cli);
  registerMonitorCommands(program, cli);
  registerKeyCommands(program, cli);
  registerBouncerCommands(program, cli);
  registerLogsCommands(program, cli);
  registerRulesCommands(program, cli);
  registerAuditCommand(program, cli);
  return program;
}
