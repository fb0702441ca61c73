import type { Command } from 'commander';
import { withDesk, type CliEnv } from '../cli-context.js';
import { formatTable } from '../table.js';
import { integerOption } from '../options.js';
import { MAX_LIST_LIMIT } from '../../shared/input-bounds.js';

export function registerAuditCommand(program: Command, cli: CliEnv): void {
  program
    .command('audit')
    .description('the audit log of every change, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'machine-readable output')
    .action(async (opts: { limit: string; json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const entries = await desk.store.audit.list({
          limit: integerOption(opts.limit, '--limit', 1, MAX_LIST_LIMIT),
        });
        if (opts.json) return cli.io.out(JSON.stringify(entries, null, 2));
        cli.io.out(
          formatTable(
            ['AT', 'ACTOR', 'ACTION', 'TARGET'],
            entries.map((e) => [e.at, e.actor, e.action, e.target]),
          ),
        );
      }),
    );
}
