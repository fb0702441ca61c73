import type { Command } from 'commander';
import { readConfig } from '../../app/config.js';
import { openDesk } from '../../app/open-desk.js';
import { startGateways, stopGateways } from '../../app/start-gateways.js';
import { loadTokenKey } from '../../app/token-key.js';
import { createEventPublisher } from '../../detector/sources/index.js';
import { createLogger } from '../../shared/logger.js';
import { reportError, type CliEnv } from '../cli-context.js';
import { portOption } from '../options.js';

/** Only the enforcement point: one gateway per playbook, in step with the mitigations in the store. */
export function registerGatewayCommand(
  program: Command,
  cli: CliEnv,
  onStarted?: (stop: () => Promise<void>) => void,
): void {
  program
    .command('gateway')
    .description("run only the gateways, each on its playbook's gateway.listen")
    .option('--service <name>', 'only this service')
    .option('--port <n>', "listen here instead of the playbook's port (with --service)")
    .action(async (opts: { service?: string; port?: string }, command: Command) => {
      try {
        const config = readConfig(cli.env);
        const playbooksDir = command.optsWithGlobals<{ playbooks?: string }>().playbooks;
        const desk = await openDesk({
          config,
          cwd: cli.cwd,
          ...(playbooksDir ? { playbooks: playbooksDir } : {}),
        });
        const port = opts.port === undefined ? undefined : portOption(opts.port, '--port');
        const logger = createLogger({ level: config.LOG_LEVEL });
        const playbooks = desk.playbooks.filter((p) => !opts.service || p.service.name === opts.service);
        // No detector runs here: request events travel to the desk's detector over a Redis stream.
        const publisher = config.REDIS_URL
          ? createEventPublisher({
              redisUrl: config.REDIS_URL,
              prefix: config.RAMPART_REDIS_PREFIX,
              service: opts.service ?? 'gateway',
              logger,
            })
          : undefined;
        if (!publisher) logger.warn('no REDIS_URL: request events from this gateway reach no detector');
        const gateways = await startGateways({
          playbooks,
          store: desk.store,
          clock: desk.clock,
          tokenKey: await loadTokenKey(config.RAMPART_TOKEN_KEY, cli.cwd),
          logger,
          env: cli.env,
          redisUrl: config.REDIS_URL,
          redisPrefix: config.RAMPART_REDIS_PREFIX,
          ...(publisher ? { onEvent: publisher.publish } : {}),
          ...(port !== undefined
            ? { listen: (p) => ({ host: p.gateway?.listen?.host ?? '127.0.0.1', port }) }
            : {}),
        });
        if (gateways.length === 0) {
          await publisher?.close();
          await desk.close();
          throw new Error(
            `no playbook${opts.service ? ` for ${opts.service}` : ''} has a gateway section with listen`,
          );
        }
        for (const g of gateways) cli.io.out(`gateway for ${g.service} on ${g.url}`);
        onStarted?.(async () => {
          await stopGateways(gateways);
          await publisher?.close();
          await desk.close();
        });
      } catch (error) {
        reportError(cli.io, error);
      }
    });
}
