import type { Command } from 'commander';
import { readConfig } from '../../app/config.js';
import { startApp } from '../../app/compose.js';
import { reportError, type CliEnv } from '../cli-context.js';
import { portOption } from '../options.js';

export function registerUpCommand(
  program: Command,
  cli: CliEnv,
  onStarted?: (stop: () => Promise<void>) => void,
): void {
  program
    .command('up')
    .description('run everything in one process on embedded defaults (SQLite file, in-memory state)')
    .option('--port <n>', 'API port (default RAMPART_PORT or 7300)')
    .option('--host <host>', 'API host (default RAMPART_HOST or 127.0.0.1)')
    .option('--gateway-port <n>', "0: every gateway on a free port instead of its playbook's gateway.listen")
    .action(async (opts: { port?: string; host?: string; gatewayPort?: string }, command: Command) => {
      try {
        const config = readConfig(cli.env);
        const playbooks = command.optsWithGlobals<{ playbooks?: string }>().playbooks;
        const app = await startApp({
          config,
          cwd: cli.cwd,
          ...(playbooks ? { playbooks } : {}),
          ...(opts.port !== undefined ? { port: portOption(opts.port, '--port') } : {}),
          ...(opts.host ? { host: opts.host } : {}),
          env: cli.env,
          ...(opts.gatewayPort === '0'
            ? { gatewayListen: (p) => ({ host: p.gateway?.listen?.host ?? '127.0.0.1', port: 0 }) }
            : {}),
        });
        const { io } = cli;
        io.out(`Rampart is up (store: ${app.desk.store.engine}, playbooks: ${app.desk.playbookDir})`);
        for (const p of app.desk.playbooks)
          io.out(`  protecting ${p.service.name}: ${p.service.title ?? ''} → ${p.service.upstream.url}`);
        for (const g of app.gateways) io.out(`  gateway   ${g.service} ${g.url}`);
        io.out(`  console   ${app.consoleUrl}   (sign in with an API key)`);
        io.out(
          `  API       ${app.apiUrl}   (OpenAPI: ${app.apiUrl}/openapi.json, metrics: ${app.apiUrl}/metrics)`,
        );
        if (app.adminKeyFile) io.out(`  admin key written to ${app.adminKeyFile} (readable only by you)`);
        io.out('Try next, in a second terminal:');
        io.out(
          '  npx rampart incident open --service guest-api --severity SEV-2 --title "Token brute force"',
        );
        io.out('  npx rampart incident list');
        io.out(`  curl -H "Authorization: Bearer $(cat .rampart/admin.key)" ${app.apiUrl}/v1/incidents`);
        io.out('Ctrl-C stops everything.');
        onStarted?.(() => app.stop());
      } catch (error) {
        reportError(cli.io, error);
      }
    });
}
