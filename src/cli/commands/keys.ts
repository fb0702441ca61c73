import type { Command } from 'commander';
import { createApiKey, createApiKeyInput, revokeApiKey } from '../../access/create-api-key.js';
import { RampartError } from '../../shared/errors.js';
import { cliActor, withDesk, type CliEnv } from '../cli-context.js';
import { formatTable } from '../table.js';

export function registerKeyCommands(program: Command, cli: CliEnv): void {
  const { io } = cli;
  const keys = program
    .command('keys')
    .description('API keys (roles: viewer, responder, admin), stored hashed');

  keys
    .command('create')
    .description('create an API key; the secret is printed once and never stored')
    .requiredOption('--name <name>', 'who or what uses it')
    .option('--role <role>', 'viewer, responder or admin', 'viewer')
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; role: string; json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const parsed = createApiKeyInput.safeParse({ name: opts.name, role: opts.role });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new RampartError(
            'RAMPART_VALIDATION',
            `--${issue?.path.join('.') ?? 'name'}: ${issue?.message ?? 'invalid'}`,
          );
        }
        const { key, secret } = await createApiKey(
          { store: desk.store, clock: desk.clock, actor: cliActor(cli.env) },
          parsed.data,
        );
        if (opts.json) {
          io.out(JSON.stringify({ id: key.id, name: key.name, role: key.role, secret }, null, 2));
        } else {
          io.out(`created ${key.role} key "${key.name}" (${key.id})`);
          io.out(`secret (shown once): ${secret}`);
          io.out(`use it as: Authorization: Bearer ${key.preview}…`);
        }
      }),
    );

  keys
    .command('list')
    .description('keys with their roles and previews')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const list = (await desk.store.apiKeys.list()).map(({ hash: _hash, ...visible }) => visible);
        if (opts.json) return io.out(JSON.stringify(list, null, 2));
        io.out(
          formatTable(
            ['ID', 'NAME', 'ROLE', 'PREVIEW', 'CREATED', 'REVOKED'],
            list.map((k) => [k.id, k.name, k.role, `${k.preview}…`, k.createdAt, k.revokedAt ?? '-']),
          ),
        );
      }),
    );

  keys
    .command('revoke <id>')
    .description('revoke a key at once')
    .action(async (id: string, _opts: unknown, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const revoked = await revokeApiKey(
          { store: desk.store, clock: desk.clock, actor: cliActor(cli.env) },
          id,
        );
        if (!revoked) throw new RampartError('RAMPART_NOT_FOUND', `active API key ${id} not found`);
        io.out(`revoked key "${revoked.name}" (${revoked.id})`);
      }),
    );
}
