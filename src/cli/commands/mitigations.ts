import type { Command } from 'commander';
import type { DeskHandle } from '../../app/open-desk.js';
import { loadTokenKey } from '../../app/token-key.js';
import { applyMitigation, applyMitigationInput, liftMitigation, type DeskContext } from '../../desk/index.js';
import { withCoverage } from '../../enforcement/coverage-view.js';
import { shownTarget, type Mitigation, type MitigationKind } from '../../domain/mitigation.js';
import type { Playbook } from '../../playbook/index.js';
import { parseDuration } from '../../shared/duration.js';
import { RampartError } from '../../shared/errors.js';
import { hashToken, previewToken } from '../../shared/secrets.js';
import { withDesk, type CliEnv } from '../cli-context.js';
import { time } from '../format-incident.js';
import { formatTable } from '../table.js';
import { integerOption } from '../options.js';
import { MAX_MEASURE } from '../../shared/input-bounds.js';

interface ApplyOptions {
  service?: string;
  for?: string;
  reason: string;
  incident?: string;
  json?: boolean;
}

function durationOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new RampartError(
      'RAMPART_VALIDATION',
      `--for: expected a duration such as 30m, 1h or 1h30m, got "${text}"`,
    );
  return ms;
}

/**
 * The services a command acts on: the one named with --service, else every loaded playbook that has what the
 * command needs (a gateway, a switch of that name, a JWT token kind …), so `rampart block 1.2.3.4` blocks it in
 * front of every service, like `ufw deny` did for the whole host.
 */
function targetServices(
  desk: DeskHandle,
  named: string | undefined,
  fits: (p: Playbook) => boolean,
  what: string,
): string[] {
  // A service enforced only beside its proxy (CrowdSec bouncers, action hooks) takes mitigations too.
  const enforced = (p: Playbook) => p.gateway || p.enforcement.bouncers || p.enforcement.hooks.length > 0;
  const candidates = desk.playbooks.filter(
    (p) => enforced(p) && (named === undefined || p.service.name === named),
  );
  if (named !== undefined && candidates.length === 0) {
    throw new RampartError(
      'RAMPART_UNKNOWN_SERVICE',
      `--service: no playbook with a gateway, bouncers or hooks for "${named}"`,
    );
  }
  const fitting = candidates.filter(fits).map((p) => p.service.name);
  if (fitting.length === 0)
    throw new RampartError(
      'RAMPART_VALIDATION',
      `no ${named ? `playbook for ${named}` : 'loaded playbook'} has ${what}`,
    );
  return fitting;
}

export function registerMitigationCommands(program: Command, cli: CliEnv): void {
  const { io } = cli;

  const apply = async (
    ctx: DeskContext,
    services: string[],
    kind: MitigationKind,
    target: string,
    opts: ApplyOptions,
    data?: Record<string, string | number>,
  ) => {
    const forMs = durationOption(opts.for);
    const created: Mitigation[] = [];
    for (const service of services) {
      const parsed = applyMitigationInput.safeParse({
        service,
        kind,
        target,
        reason: opts.reason,
        ...(forMs !== undefined ? { forMs } : {}),
        ...(opts.incident ? { incidentId: opts.incident } : {}),
        ...(data ? { data } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RampartError(
          'RAMPART_VALIDATION',
          `${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      created.push(await applyMitigation({ ctx, input: parsed.data }));
    }
    if (opts.json) return io.out(JSON.stringify(created, null, 2));
    for (const m of created) {
      io.out(
        `${m.id}  ${m.service}  ${m.kind} ${shownTarget(m)}  ${m.expiresAt ? `until ${time(m.expiresAt)}` : 'until lifted'}`,
      );
    }
  };

  const lift = async (
    ctx: DeskContext,
    matches: Mitigation[],
    reason: string | undefined,
    nothing: string,
  ) => {
    if (matches.length === 0) throw new RampartError('RAMPART_NOT_FOUND', nothing);
    for (const m of matches) {
      const lifted = await liftMitigation({ ctx, input: { id: m.id, ...(reason ? { reason } : {}) } });
      io.out(`${lifted.id}  ${lifted.service}  lifted ${lifted.kind} ${shownTarget(lifted)}`);
    }
  };

  const inForce = (desk: DeskHandle, service?: string) =>
    desk.store.mitigations.list({
      inForceAt: desk.clock.now().toISOString(),
      limit: 10_000,
      ...(service ? { service } : {}),
    });

  const withApplyOptions = (command: Command, reasonHelp = 'why (recorded with the mitigation)') =>
    command
      .option('--service <name>', 'only this service (default: every service it applies to)')
      .option('--for <duration>', 'how long, e.g. 30m, 1h (default: until lifted)')
      .requiredOption('--reason <text>', reasonHelp)
      .option('--incident <id>', 'link it to an incident (on its timeline)')
      .option('--json', 'machine-readable output');

  withApplyOptions(
    program
      .command('block <target>')
      .description('block an IP address or CIDR (IPv4 or IPv6) at the gateway: 403'),
  ).action(async (target: string, opts: ApplyOptions, command: Command) =>
    withDesk(cli, command, async (desk, ctx) => {
      await apply(
        ctx,
        targetServices(desk, opts.service, () => true, 'a gateway'),
        'block',
        target,
        opts,
      );
    }),
  );

  program
    .command('unblock <target>')
    .description('lift the blocks of an IP/CIDR, or one mitigation by id')
    .option('--service <name>', 'only this service')
    .option('--reason <text>', 'why')
    .action(async (target: string, opts: { service?: string; reason?: string }, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const matches = (await inForce(desk, opts.service)).filter(
          (m) => m.kind === 'block' && (m.target === target || m.id === target),
        );
        await lift(ctx, matches, opts.reason, `no block of ${target} is in force`);
      }),
    );

  const revoke = program
    .command('revoke')
    .description("revoke a token, a JWT id, a subject's sessions or all sessions: 401");
  withApplyOptions(
    revoke
      .command('token <token>')
      .description('revoke one token (join token, API key …); only its keyed hash is stored'),
  ).action(async (token: string, opts: ApplyOptions, command: Command) =>
    withDesk(cli, command, async (desk, ctx, config) => {
      const key = await loadTokenKey(config.RAMPART_TOKEN_KEY, cli.cwd);
      const services = targetServices(
        desk,
        opts.service,
        (p) => p.service.tokens.some((t) => t.in !== 'jwt'),
        'an opaque token kind',
      );
      await apply(ctx, services, 'revoke-token', hashToken(token, key), opts, {
        preview: previewToken(token),
      });
    }),
  );
  const hasJwt = (p: Playbook) => p.service.tokens.some((t) => t.in === 'jwt');
  withApplyOptions(revoke.command('jti <jti>').description('revoke one JWT by its jti claim')).action(
    async (jti: string, opts: ApplyOptions, command: Command) =>
      withDesk(cli, command, async (desk, ctx) =>
        apply(ctx, targetServices(desk, opts.service, hasJwt, 'a JWT token kind'), 'revoke-jti', jti, opts),
      ),
  );
  withApplyOptions(
    revoke.command('subject <subject>').description('revoke every JWT of this subject issued before now'),
  ).action(async (subject: string, opts: ApplyOptions, command: Command) =>
    withDesk(cli, command, async (desk, ctx) =>
      apply(
        ctx,
        targetServices(desk, opts.service, hasJwt, 'a JWT token kind'),
        'revoke-subject',
        subject,
        opts,
      ),
    ),
  );
  withApplyOptions(
    revoke
      .command('all-sessions')
      .description("revoke every JWT issued before now, without rotating the app's secret"),
  ).action(async (opts: ApplyOptions, command: Command) =>
    withDesk(cli, command, async (desk, ctx) =>
      apply(ctx, targetServices(desk, opts.service, hasJwt, 'a JWT token kind'), 'revoke-all', '*', opts),
    ),
  );

  const switches = program
    .command('switch')
    .description("kill switches from the playbooks' gateway.switches");
  const hasSwitch = (name: string) => (p: Playbook) =>
    (p.gateway?.switches ?? []).some((s) => s.name === name);
  withApplyOptions(
    switches.command('off <name>').description('turn a switch off: its routes answer 503'),
  ).action(async (name: string, opts: ApplyOptions, command: Command) =>
    withDesk(cli, command, async (desk, ctx) =>
      apply(
        ctx,
        targetServices(desk, opts.service, hasSwitch(name), `a switch named "${name}"`),
        'switch-off',
        name,
        opts,
      ),
    ),
  );
  switches
    .command('on <name>')
    .description('turn a switch back on')
    .option('--service <name>', 'only this service')
    .option('--reason <text>', 'why')
    .action(async (name: string, opts: { service?: string; reason?: string }, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const matches = (await inForce(desk, opts.service)).filter(
          (m) => m.kind === 'switch-off' && m.target === name,
        );
        await lift(ctx, matches, opts.reason, `switch ${name} is not off`);
      }),
    );

  const maintenance = program
    .command('maintenance')
    .description('fail closed: 503 with the banner and Retry-After');
  withApplyOptions(maintenance.command('on').description('start maintenance for a service (or one route)'))
    .option('--banner <text>', "the message clients see (default: the playbook's banner)")
    .option('--route <name>', 'only this route')
    .action(async (opts: ApplyOptions & { banner?: string; route?: string }, command: Command) =>
      withDesk(cli, command, async (desk, ctx) =>
        apply(
          ctx,
          targetServices(desk, opts.service, () => true, 'a gateway'),
          'maintenance',
          opts.route ?? '*',
          opts,
          opts.banner ? { banner: opts.banner } : undefined,
        ),
      ),
    );
  maintenance
    .command('off')
    .description('end maintenance')
    .option('--service <name>', 'only this service')
    .option('--reason <text>', 'why')
    .action(async (opts: { service?: string; reason?: string }, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const matches = (await inForce(desk, opts.service)).filter((m) => m.kind === 'maintenance');
        await lift(ctx, matches, opts.reason, 'no maintenance is in force');
      }),
    );

  const limit = program.command('limit').description("temporary overrides of the playbooks' rate limits");
  withApplyOptions(
    limit.command('tighten <name>').description('set a rate limit to --to requests per window for a while'),
  )
    .requiredOption('--to <n>', 'the temporary limit')
    .action(async (name: string, opts: ApplyOptions & { to: string }, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const to = integerOption(opts.to, '--to', 1, MAX_MEASURE);
        const fits = (p: Playbook) => (p.gateway?.rate_limits ?? []).some((l) => l.name === name);
        await apply(
          ctx,
          targetServices(desk, opts.service, fits, `a rate limit named "${name}"`),
          'limit-override',
          name,
          opts,
          { limit: to },
        );
      }),
    );

  program
    .command('lift <id>')
    .description('end any mitigation by its id')
    .option('--reason <text>', 'why')
    .action(async (id: string, opts: { reason?: string }, command: Command) =>
      withDesk(cli, command, async (desk, ctx) => {
        const m = await desk.store.mitigations.get(id);
        await lift(ctx, m ? [m] : [], opts.reason, `mitigation ${id} not found`);
      }),
    );

  program
    .command('mitigations')
    .description('what is in force, since when, until when, and why')
    .option('--service <name>', 'only this service')
    .option('--all', 'include lifted and expired ones')
    .option('--json', 'machine-readable output')
    .action(async (opts: { service?: string; all?: boolean; json?: boolean }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const list = await withCoverage(
          desk.store,
          opts.all
            ? await desk.store.mitigations.list({
                limit: 1000,
                ...(opts.service ? { service: opts.service } : {}),
              })
            : await inForce(desk, opts.service),
          desk.clock.now(),
        );
        // What each has refused since it began, as the running gateways last wrote it (every few seconds).
        const refused = await desk.store.controls.refusals(list.map((m) => m.id));
        const count = (id: string) => refused.get(id)?.refused ?? 0;
        if (opts.json) {
          return io.out(
            JSON.stringify(
              list.map((m) => ({ ...m, refused: count(m.id) })),
              null,
              2,
            ),
          );
        }
        if (list.length === 0) return io.out('no mitigations in force');
        io.out(
          formatTable(
            [
              'ID',
              'SERVICE',
              'KIND',
              'TARGET',
              'SINCE',
              'UNTIL',
              'REFUSED',
              'BY',
              'INCIDENT',
              'ENFORCED BY',
              'REASON',
            ],
            list.map((m) => [
              m.id,
              m.service,
              m.kind,
              shownTarget(m),
              time(m.createdAt),
              m.liftedAt ? `lifted ${time(m.liftedAt)}` : m.expiresAt ? time(m.expiresAt) : 'lifted by hand',
              String(count(m.id)),
              m.author,
              m.incidentId ?? '-',
              m.enforcement.summary,
              m.reason,
            ]),
          ),
        );
      }),
    );
}
