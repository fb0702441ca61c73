import type { Command } from 'commander';
import { agoText, STALE_AFTER_MS, type Bouncer } from '../../domain/enforcement.js';
import { addBouncer, deleteBouncer } from '../../enforcement/bouncer-keys.js';
import { cliActor, withDesk, type CliEnv } from '../cli-context.js';
import { time } from '../format-incident.js';
import { formatTable } from '../table.js';

/** "pulling", "stale" (unheard for longer than STALE_AFTER_MS: crashed, cut off, or gone), or "never pulled". */
export function bouncerStatus(
  b: Pick<Bouncer, 'lastPullAt'>,
  now: Date,
): 'pulling' | 'stale' | 'never pulled' {
  if (b.lastPullAt === null) return 'never pulled';
  return now.getTime() - Date.parse(b.lastPullAt) > STALE_AFTER_MS ? 'stale' : 'pulling';
}

/** `rampart bouncers add|list|delete`: CrowdSec bouncers that pull Rampart's blocks, as `cscli bouncers` does. */
export function registerBouncerCommands(program: Command, cli: CliEnv): void {
  const { io } = cli;
  const bouncers = program
    .command('bouncers')
    .description("CrowdSec bouncers that enforce Rampart's address and range blocks (keys stored hashed)");

  bouncers
    .command('add <name>')
    .description('register a bouncer; its API key is printed once and never stored')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const { bouncer, key } = await addBouncer(
          { store: desk.store, clock: desk.clock, actor: cliActor(cli.env) },
          name,
        );
        if (opts.json) return io.out(JSON.stringify({ id: bouncer.id, name: bouncer.name, key }, null, 2));
        io.out(`API key for '${bouncer.name}' (shown once, only its hash is kept):`);
        io.out('');
        io.out(`   ${key}`);
        io.out('');
        io.out("Put it in the bouncer's configuration as api_key, with api_url pointing at Rampart's API.");
      }),
    );

  bouncers
    .command('list')
    .description(
      'bouncers, their key previews, when they last pulled, and whether they still do (stale after 90 s)',
    )
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const now = desk.clock.now();
        const list = (await desk.store.bouncers.list()).map(({ keyHash: _hash, ...visible }) => ({
          ...visible,
          status: bouncerStatus(visible, now),
        }));
        if (opts.json) return io.out(JSON.stringify(list, null, 2));
        if (list.length === 0) return io.out('no bouncers (add one with: rampart bouncers add NAME)');
        io.out(
          formatTable(
            ['NAME', 'STATUS', 'KEY', 'CREATED', 'LAST PULL', 'AGENT'],
            list.map((b) => [
              b.name,
              b.status === 'stale' && b.lastPullAt
                ? `stale (${agoText(now.getTime() - Date.parse(b.lastPullAt))} ago)`
                : b.status,
              `${b.preview}…`,
              time(b.createdAt),
              b.lastPullAt ? time(b.lastPullAt) : 'never',
              b.userAgent ?? '-',
            ]),
          ),
        );
      }),
    );

  bouncers
    .command('delete <name>')
    .description('remove a bouncer: its key stops working at once')
    .action(async (name: string, _opts: unknown, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const deleted = await deleteBouncer(
          { store: desk.store, clock: desk.clock, actor: cliActor(cli.env) },
          name,
        );
        io.out(`deleted bouncer '${deleted.name}'`);
      }),
    );
}
