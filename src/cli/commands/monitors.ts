import type { Command } from 'commander';
import { compileMonitor, createMonitorRunner, createRoutineRunner } from '../../monitors/index.js';
import { RampartError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { withDesk, type CliEnv } from '../cli-context.js';
import { formatTable } from '../table.js';

type JsonOption = { json?: boolean };

/** `rampart monitors list|run` and `rampart routines`: synthetic checks and scheduled routines as people see them. */
export function registerMonitorCommands(program: Command, cli: CliEnv): void {
  const { io } = cli;
  const monitors = program.command('monitors').description("the playbooks' synthetic HTTP checks");
  monitors
    .command('list')
    .description('every monitor with its latest result')
    .option('--json', 'machine-readable output')
    .action(async (opts: JsonOption, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const rows = [];
        for (const p of desk.playbooks) {
          for (const m of p.monitors) {
            const latest = await desk.store.monitorResults.latest(p.service.name, m.name);
            rows.push({
              service: p.service.name,
              name: m.name,
              intervalMs: m.interval,
              latest: latest ?? null,
            });
          }
        }
        if (opts.json) return io.out(JSON.stringify(rows, null, 2));
        io.out(
          formatTable(
            ['SERVICE', 'MONITOR', 'EVERY', 'LAST RUN', 'RESULT'],
            rows.map((r) => [
              r.service,
              r.name,
              `${Math.round(r.intervalMs / 1000)}s`,
              r.latest?.at ?? 'never',
              r.latest === null
                ? ''
                : r.latest.ok
                  ? `ok ${r.latest.status ?? ''}`
                  : `FAIL ${r.latest.failures.join('; ')}`,
            ]),
          ),
        );
      }),
    );
  monitors
    .command('run <service> <name>')
    .description('run one monitor now; a failure (or a recovery) signals the desk like a scheduled run')
    .option('--json', 'machine-readable output')
    .action(async (service: string, name: string, opts: JsonOption, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const spec = desk.playbooks
          .find((p) => p.service.name === service)
          ?.monitors.find((m) => m.name === name);
        if (!spec) throw new RampartError('RAMPART_NOT_FOUND', `monitor ${name} of ${service} not found`);
        const runner = createMonitorRunner({
          monitors: [compileMonitor(service, spec, cli.env)],
          desk: ctx,
          logger: createLogger({ level: 'silent' }),
        });
        const result = await runner.run(service, name, 'manual');
        if (!result.ok) io.setExitCode(1);
        if (opts.json) return io.out(JSON.stringify(result, null, 2));
        io.out(
          result.ok
            ? `${service}/${name}  ok  ${result.status ?? ''} in ${result.latencyMs} ms`
            : `${service}/${name}  FAIL  ${result.failures.join('; ')}`,
        );
      }),
    );

  program
    .command('routines')
    .description('daily/weekly/monthly routines and review dates: next due time and last result')
    .option('--json', 'machine-readable output')
    .action(async (opts: JsonOption, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const runner = createRoutineRunner({
          store: desk.store,
          playbooks: desk.playbooks,
          logger: createLogger({ level: 'silent' }),
        });
        const rows = await runner.list(desk.clock.now());
        if (opts.json) return io.out(JSON.stringify(rows, null, 2));
        io.out(
          formatTable(
            ['SERVICE', 'ROUTINE', 'EVERY', 'OWNER', 'NEXT DUE', 'LAST', 'RESULT'],
            rows.map((r) => [
              r.service,
              r.name,
              r.every,
              r.owner ?? '',
              r.every === 'review' &&
              r.nextDue !== null &&
              r.nextDue < desk.clock.now().toISOString().slice(0, 10)
                ? `${r.nextDue} (overdue)`
                : (r.nextDue ?? ''),
              r.last?.occurrence ?? 'never',
              [r.last?.outcome ?? '', r.last?.detail ?? ''].filter(Boolean).join(': '),
            ]),
          ),
        );
      }),
    );
}
