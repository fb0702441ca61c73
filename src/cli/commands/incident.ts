import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ZodType } from 'zod';
import {
  acknowledge,
  acknowledgeInput,
  addFollowUp,
  addFollowUpInput,
  addNote,
  addNoteInput,
  changeSeverity,
  changeSeverityInput,
  closeIncident,
  closeInput,
  listIncidents,
  markMitigated,
  markMitigatedInput,
  openIncident,
  openIncidentInput,
  readIncident,
  renderIncidentReport,
  resolveIncident,
  resolveInput,
  updateChecklistStep,
  updateChecklistStepInput,
  verifyIncident,
  confirmVerificationStep,
} from '../../desk/index.js';
import { isIncidentStatus } from '../../domain/incident-status.js';
import type { Incident } from '../../domain/incident.js';
import { RampartError } from '../../shared/errors.js';
import { withDesk, type CliEnv } from '../cli-context.js';
import { formatIncidentLine, formatIncidentList, formatIncidentView } from '../format-incident.js';
import { integerOption } from '../options.js';
import { MAX_LIST_LIMIT } from '../../shared/input-bounds.js';

/** Validates CLI arguments with the same schema the API uses, naming the offending option. */
function parseArgs<T>(schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: `--${issue.path.join('.')}`,
    message: issue.message,
  }));
  throw new RampartError(
    'RAMPART_VALIDATION',
    details.map((d) => `${d.path}: ${d.message}`).join('; '),
    details,
  );
}

const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

interface JsonOption {
  json?: boolean;
}

export function registerIncidentCommands(program: Command, cli: CliEnv): void {
  const { io } = cli;
  const incident = program.command('incident').description('open, follow and close incidents');
  const printIncident = (value: Incident, opts: JsonOption) =>
    io.out(opts.json ? JSON.stringify(value, null, 2) : formatIncidentLine(value));

  incident
    .command('list')
    .description('incidents, newest first')
    .option('--service <name>', 'only this service')
    .option('--status <status>', 'only this status')
    .option('--open', 'only incidents not yet resolved')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'machine-readable output')
    .action(
      async (
        opts: { service?: string; status?: string; open?: boolean; limit: string } & JsonOption,
        command: Command,
      ) =>
        withDesk(cli, command, async (desk) => {
          if (opts.status !== undefined && !isIncidentStatus(opts.status)) {
            throw new RampartError(
              'RAMPART_VALIDATION',
              `--status: expected triggered, acknowledged, mitigated, resolved or closed, got "${opts.status}"`,
            );
          }
          const limit = integerOption(opts.limit, '--limit', 1, MAX_LIST_LIMIT);
          const incidents = await listIncidents(desk.store, {
            ...(opts.service ? { service: opts.service } : {}),
            ...(opts.status && isIncidentStatus(opts.status) ? { status: [opts.status] } : {}),
            ...(opts.open ? { openOnly: true } : {}),
            limit,
          });
          io.out(opts.json ? JSON.stringify(incidents, null, 2) : formatIncidentList(incidents));
        }),
    );

  incident
    .command('show <id>')
    .description('one incident: scope, checklist with deadlines, mitigations, post-mortem, timeline')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: JsonOption, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const view = await readIncident(desk.store, id);
        io.out(opts.json ? JSON.stringify(view, null, 2) : formatIncidentView(view, desk.clock.now()));
      }),
    );

  incident
    .command('report <id>')
    .description('the whole incident as Markdown (to a file with --out)')
    .option('--out <file>', 'write here instead of printing')
    .action(async (id: string, opts: { out?: string }, command: Command) =>
      withDesk(cli, command, async (desk) => {
        const markdown = renderIncidentReport(await readIncident(desk.store, id), desk.clock.now());
        if (!opts.out) return io.out(markdown.trimEnd());
        await writeFile(resolve(cli.cwd, opts.out), markdown);
        io.out(`wrote ${opts.out}`);
      }),
    );

  incident
    .command('open')
    .description('open an incident by hand')
    .requiredOption('--service <name>', "the playbook's service name")
    .requiredOption('--title <text>', 'what is happening')
    .option('--severity <level>', "a level of the service's scale (default: the playbook's default)")
    .option('--type <type>', 'the playbook incident type')
    .option('--commander <name>', 'who leads the response')
    .option('--fingerprint <key>', 'de-duplication key')
    .option('--json', 'machine-readable output')
    .action(async (opts: Record<string, string | undefined> & JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const { json, ...rest } = opts;
        const input = parseArgs(openIncidentInput, defined(rest));
        printIncident(await openIncident({ ctx, input }), { json: Boolean(json) });
      }),
    );

  incident
    .command('ack <id>')
    .description('acknowledge; you become commander unless --commander names someone')
    .option('--commander <name>', 'who leads the response')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { commander?: string } & JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const input = parseArgs(acknowledgeInput, defined({ id, commander: opts.commander }));
        printIncident(await acknowledge({ ctx, input }), opts);
      }),
    );

  incident
    .command('note <id> <text>')
    .description('add a note to the timeline')
    .option('--json', 'machine-readable output')
    .action(async (id: string, text: string, opts: JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const entry = await addNote({ ctx, input: parseArgs(addNoteInput, { id, text }) });
        io.out(opts.json ? JSON.stringify(entry, null, 2) : `${entry.incidentId}  note added (#${entry.id})`);
      }),
    );

  incident
    .command('severity <id> <level>')
    .description('re-classify; --reason is required and goes on the timeline')
    .requiredOption('--reason <text>', 'why the severity changes')
    .option('--json', 'machine-readable output')
    .action(async (id: string, level: string, opts: { reason: string } & JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const input = parseArgs(changeSeverityInput, { id, severity: level, reason: opts.reason });
        printIncident(await changeSeverity({ ctx, input }), opts);
      }),
    );

  const simple = [
    ['mitigated', 'mark mitigated', markMitigatedInput, markMitigated],
    ['close', 'close a resolved incident', closeInput, closeIncident],
  ] as const;
  for (const [name, description, schema, action] of simple) {
    incident
      .command(`${name} <id>`)
      .description(description)
      .option('--note <text>', 'a note for the timeline')
      .option('--json', 'machine-readable output')
      .action(async (id: string, opts: { note?: string } & JsonOption, command: Command) =>
        withDesk(cli, command, async (_desk, ctx) => {
          const input = parseArgs(schema, defined({ id, note: opts.note }));
          printIncident(await action({ ctx, input }), opts);
        }),
      );
  }

  incident
    .command('resolve <id>')
    .description("resolve, once the playbook's verification passes; opens the post-mortem with its due date")
    .option('--note <text>', 'a note for the timeline')
    .option(
      '--override <reason>',
      'resolve although verification fails (admin), with the reason on the timeline',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { note?: string; override?: string } & JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const input = parseArgs(
          resolveInput,
          defined({ id, note: opts.note, override: opts.override ? { reason: opts.override } : undefined }),
        );
        printIncident(await resolveIncident({ ctx, input }), opts);
      }),
    );

  incident
    .command('verify <id>')
    .description("check the playbook's verification for this incident (what stands between it and resolved)")
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const result = await verifyIncident(ctx, id);
        if (opts.json) return io.out(JSON.stringify(result, null, 2));
        io.out(result.ok ? `${id}: verification passes` : `${id}: verification fails`);
        for (const c of result.checks) io.out(`  [${c.ok ? 'x' : ' '}] ${c.name} (${c.check}): ${c.detail}`);
      }),
    );

  incident
    .command('confirm <id> <step>')
    .description('confirm a manual verification step (by name or 1-based position)')
    .option('--note <text>', 'what you checked')
    .action(async (id: string, step: string, opts: { note?: string }, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        await confirmVerificationStep({ ctx, input: defined({ id, step, note: opts.note }) });
        io.out(`${id}: confirmed "${step}"`);
      }),
    );

  incident
    .command('step <id> <step> <status>')
    .description('set a checklist step done, skipped, failed or pending')
    .option('--note <text>', 'a note for the timeline')
    .option('--json', 'machine-readable output')
    .action(
      async (
        id: string,
        step: string,
        status: string,
        opts: { note?: string } & JsonOption,
        command: Command,
      ) =>
        withDesk(cli, command, async (_desk, ctx) => {
          const input = parseArgs(updateChecklistStepInput, defined({ id, step, status, note: opts.note }));
          const item = await updateChecklistStep({ ctx, input });
          io.out(
            opts.json ? JSON.stringify(item, null, 2) : `${item.incidentId}  ${item.stepId}: ${item.status}`,
          );
        }),
    );

  incident
    .command('follow-up <id> <title>')
    .description("add a follow-up task to the incident's post-mortem")
    .option('--owner <name>', 'who owns it')
    .option('--json', 'machine-readable output')
    .action(async (id: string, title: string, opts: { owner?: string } & JsonOption, command: Command) =>
      withDesk(cli, command, async (_desk, ctx) => {
        const pm = await addFollowUp({
          ctx,
          input: parseArgs(addFollowUpInput, defined({ id, title, owner: opts.owner })),
        });
        io.out(
          opts.json ? JSON.stringify(pm, null, 2) : `${pm.incidentId}  ${pm.followUps.length} follow-up(s)`,
        );
      }),
    );
}
