import type { Command } from 'commander';
import { addBouncer, deleteBouncer } from '../../enforcement/bouncer-keys.js';
import { cliActor, withDesk, type CliEnv } from '../cli-context.js';
import { time } from '../format-incident.js';
import { formatTable } from '../table.js';

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
    .description('bouncers, their key previews and when they last pulled')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const list = (await desk.store.bouncers.list()).map(({ keyHash: _hash, ...visible }) => visible);
        if (opts.json) return io.out(JSON.stringify(list, null, 2));
        if (list.length === 0) return io.out('no bouncers (add one with: rampart bouncers add NAME)');
        io.out(
          formatTable(
            ['NAME', 'KEY', 'CREATED', 'LAST PULL', 'AGENT'],
            list.map((b) => [
              b.name,
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
