import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  closeAgents,
  DEFAULT_LIMITS,
  DRILLS,
  findDrill,
  loopbackUrl,
  RampartApi,
  runDrill,
  StandinClient,
  type Drill,
  type DrillContext,
  type DrillReport,
} from '../../drills/index.js';
import { RampartError } from '../../shared/errors.js';
import { standinKeyFile } from '../../standins/index.js';
import { reportError, type CliEnv } from '../cli-context.js';

interface DrillOptions {
  list?: boolean;
  target?: string;
  guest: string;
  booking: string;
  api?: string;
  guestUpstream: string;
  bookingUpstream: string;
  json?: boolean;
}

function readSecret(file: string, what: string, hint: string): string {
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (text) return text;
  } catch {
    // reported below
  }
  throw new RampartError('RAMPART_CONFIG', `${what} not found in ${file}: ${hint}`);
}

function listDrills(cli: CliEnv): void {
  for (const d of DRILLS) {
    cli.io.out(`${d.name.padEnd(22)} ${d.title}`);
    cli.io.out(`${' '.repeat(23)}${d.explain}`);
  }
  cli.io.out('');
  cli.io.out(
    'rampart drill NAME (or all) runs against `npm start` / `rampart up` in this directory; loopback only.',
  );
}

/**
 * `rampart drill NAME`: bounded attack traffic to this machine's gateways, then what Rampart did, step by step
 * with measured times. Doubles as the seeds' weekly "test rate limiting" routine.
 */
export function registerDrillCommand(program: Command, cli: CliEnv): void {
  program
    .command('drill [name]')
    .description(
      'run an attack drill against the local gateways and show what Rampart did (--list explains each)',
    )
    .option('--list', 'list the drills and what each expects')
    .option('--target <url>', "the attacked gateway (default: the drill's service below)")
    .option('--guest <url>', 'guest-api gateway', 'http://127.0.0.1:8080')
    .option('--booking <url>', 'booking-api gateway', 'http://127.0.0.1:8090')
    .option('--api <url>', 'Rampart API (default http://127.0.0.1:$RAMPART_PORT or :7300)')
    .option('--guest-upstream <url>', 'guest stand-in (its control route)', 'http://127.0.0.1:8081')
    .option('--booking-upstream <url>', 'booking stand-in (its control route)', 'http://127.0.0.1:8082')
    .option('--json', 'machine-readable report')
    .action(async (name: string | undefined, opts: DrillOptions) => {
      if (opts.list || name === undefined) return listDrills(cli);
      try {
        const drills: Drill[] =
          name === 'all' ? [...DRILLS] : [findDrill(name)].filter((d) => d !== undefined);
        if (drills.length === 0)
          throw new RampartError(
            'RAMPART_VALIDATION',
            `no drill named "${name}" (choose from: ${DRILLS.map((d) => d.name).join(', ')}, all)`,
          );
        const apiUrl = loopbackUrl(opts.api ?? `http://127.0.0.1:${cli.env.RAMPART_PORT ?? '7300'}`, '--api');
        const targets = {
          guest: loopbackUrl(opts.guest, '--guest'),
          booking: loopbackUrl(opts.booking, '--booking'),
        };
        const target = opts.target === undefined ? undefined : loopbackUrl(opts.target, '--target');
        const adminKey =
          cli.env.RAMPART_API_KEY ??
          readSecret(
            join(cli.cwd, '.rampart', 'admin.key'),
            'the admin key',
            'start Rampart here with `npm start` first, or set RAMPART_API_KEY',
          );
        const standinKey = readSecret(
          standinKeyFile(cli.cwd),
          'the stand-in key',
          'start the stand-ins here with `npm start` first',
        );
        const reports: DrillReport[] = [];
        for (const drill of drills) {
          const ctx: DrillContext = {
            targets: target ? { ...targets, [drill.service]: target } : targets,
            api: new RampartApi(apiUrl, adminKey),
            standins: {
              guest: new StandinClient(loopbackUrl(opts.guestUpstream, '--guest-upstream'), standinKey),
              booking: new StandinClient(loopbackUrl(opts.bookingUpstream, '--booking-upstream'), standinKey),
            },
            log: opts.json ? () => undefined : (line) => cli.io.out(line),
            limits: DEFAULT_LIMITS,
          };
          reports.push(await runDrill(drill, ctx));
        }
        if (opts.json) cli.io.out(JSON.stringify(name === 'all' ? reports : reports[0], null, 2));
        if (reports.some((r) => r.verdict === 'fail')) cli.io.setExitCode(1);
      } catch (error) {
        reportError(cli.io, error);
      } finally {
        await closeAgents();
      }
    });
}
