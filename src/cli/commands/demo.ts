import { join } from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../../app/config.js';
import { startApp } from '../../app/compose.js';
import { createSlackReceiver, KNOWN_GOOD_TOKEN, slackHeadline, startStandins } from '../../standins/index.js';
import { reportError, type CliEnv } from '../cli-context.js';
import { portOption } from '../options.js';

/** Where the demo's local Slack listens: fixed, so a second terminal can read GET /messages. */
export const DEMO_SLACK_PORT = 7310;

/**
 * `npm start`: both seed systems' stand-ins on their playbooks' upstream ports, behind Rampart's gateways, with
 * the desk, detector, scheduler, notifications to a local Slack receiver, and the API — nothing else to install.
 */
export function registerDemoCommand(
  program: Command,
  cli: CliEnv,
  onStarted?: (stop: () => Promise<void>) => void,
): void {
  program
    .command('demo')
    .description('run both seed stand-ins behind Rampart, with a local Slack receiver: what npm start does')
    .option('--slack-port <n>', 'port of the local Slack receiver', String(DEMO_SLACK_PORT))
    .action(async (opts: { slackPort: string }, command: Command) => {
      const { io } = cli;
      const cleanup: (() => Promise<void>)[] = [];
      const stopAll = async () => {
        for (const step of cleanup.reverse()) await step().catch(() => undefined);
      };
      try {
        const playbooks = command.optsWithGlobals<{ playbooks?: string }>().playbooks;
        // The stand-ins first, so their log files exist when the detector starts reading them.
        const standins = await startStandins({ cwd: cli.cwd, env: cli.env });
        cleanup.push(() => standins.close());
        const slack = createSlackReceiver({
          logFile: join(cli.cwd, 'logs', 'slack-receiver.log'),
          onMessage: (body) => io.out(`  Slack ← ${slackHeadline(body)}`),
        });
        const slackUrl = await slack.listen(portOption(opts.slackPort, '--slack-port'), '127.0.0.1');
        cleanup.push(() => slack.close());
        const env: NodeJS.ProcessEnv = {
          ...cli.env,
          BOOKING_JWT_SECRET: cli.env.BOOKING_JWT_SECRET ?? standins.bookingJwtSecret,
          SLACK_WEBHOOK_URL: cli.env.SLACK_WEBHOOK_URL ?? `${slackUrl}/incident-response`,
          SLACK_SUPPORT_WEBHOOK_URL: cli.env.SLACK_SUPPORT_WEBHOOK_URL ?? `${slackUrl}/support`,
          KNOWN_GOOD_TOKEN: cli.env.KNOWN_GOOD_TOKEN ?? KNOWN_GOOD_TOKEN,
        };
        const app = await startApp({
          config: readConfig(env),
          cwd: cli.cwd,
          env,
          ...(playbooks ? { playbooks } : {}),
        });
        cleanup.push(() => app.stop());

        io.out(`Rampart demo is up (store: ${app.desk.store.engine})`);
        for (const g of app.gateways) {
          const upstream = g.service === 'guest-api' ? standins.guestUrl : standins.bookingUrl;
          io.out(`  ${g.service.padEnd(12)} gateway ${g.url}  →  stand-in ${upstream}`);
        }
        io.out(`  console      ${app.consoleUrl}   (sign in with the admin key below)`);
        io.out(
          `  API          ${app.apiUrl}   (OpenAPI ${app.apiUrl}/openapi.json, metrics ${app.apiUrl}/metrics)`,
        );
        io.out(`  Slack        ${slackUrl}/messages   (what on-call would have received)`);
        if (app.adminKeyFile) io.out(`  admin key    ${app.adminKeyFile} (readable only by you)`);
        io.out('Try next, in a second terminal in this directory:');
        io.out('  npx rampart drill token-enumeration    # an attack; watch Rampart open, block and page');
        io.out('  npx rampart incident list');
        io.out('  npx rampart drill --list');
        io.out('Ctrl-C stops everything.');
        onStarted?.(stopAll);
      } catch (error) {
        await stopAll();
        reportError(io, error);
      }
    });
}
