import type { Command } from 'commander';
import { approveMessage } from '../../notify/approve.js';
import type { OutboxStatus } from '../../store/ports.js';
import { withDesk, type CliEnv } from '../cli-context.js';
import { formatTable } from '../table.js';
import { integerOption } from '../options.js';
import { MAX_LIST_LIMIT, MAX_ROW_ID } from '../../shared/input-bounds.js';

const STATUSES: OutboxStatus[] = ['held', 'pending', 'sending', 'delivered', 'failed'];

/** `rampart notify list|approve`: the outbox as people see it, and the approval of held messages. */
export function registerNotifyCommands(program: Command, cli: CliEnv): void {
  const notify = program.command('notify').description('notifications: the outbox and approvals');
  notify
    .command('list')
    .description('outbox messages, oldest first')
    .option('--incident <id>', 'only this incident')
    .option('--status <list>', `comma-separated: ${STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: { incident?: string; status?: string; limit: string; json?: boolean }, command: Command) =>
        withDesk(cli, command, async (desk) => {
          const status = opts.status
            ?.split(',')
            .map((s) => s.trim())
            .filter((s): s is OutboxStatus => STATUSES.includes(s as OutboxStatus));
          const rows = await desk.store.outbox.list({
            ...(opts.incident ? { incidentId: opts.incident } : {}),
            ...(status && status.length > 0 ? { status } : {}),
            limit: integerOption(opts.limit, '--limit', 1, MAX_LIST_LIMIT),
          });
          if (opts.json) return cli.io.out(JSON.stringify(rows, null, 2));
          cli.io.out(
            formatTable(
              ['ID', 'INCIDENT', 'AUDIENCE', 'CHANNEL', 'STATUS', 'ATTEMPTS', 'NEXT', 'ERROR'],
              rows.map((r) => [
                String(r.id),
                r.incidentId ?? '',
                r.audience,
                typeof r.target.tenant === 'string' ? `${r.channel}:${r.target.tenant}` : r.channel,
                r.status,
                String(r.attempts),
                r.status === 'pending' ? r.nextAttemptAt : '',
                r.lastError ?? '',
              ]),
            ),
          );
        }),
    );
  notify
    .command('approve <id>')
    .description('release a held message (e.g. a tenant e-mail) for sending')
    .action(async (id: string, _opts: unknown, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const message = await approveMessage({
          store: desk.store,
          clock: desk.clock,
          id: integerOption(id, 'id', 1, MAX_ROW_ID),
          actor: ctx.actor,
        });
        cli.io.out(
          `approved notification ${message.id} (${message.audience}, ${message.channel}); it goes out with the next dispatch`,
        );
      }),
    );
}
