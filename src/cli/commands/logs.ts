import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
// The replay itself, not the detector's index: that also loads the Redis event stream.
import { replayFiles } from '../../detector/replay.js';
import type { DetectorSignal } from '../../detector/detector-signal.js';
import type { ReplayResult } from '../../detector/replay.js';
import { formatPlaybookError, loadPlaybook, loadPlaybookDir } from '../../playbook/index.js';
import type { Playbook } from '../../playbook/index.js';
import { RampartError } from '../../shared/errors.js';
import { reportError } from '../cli-env.js';
import type { CliEnv } from '../cli-env.js';
import { formatTable } from '../table.js';

/**
 * `rampart logs replay`: run a playbook's detection rules over log files, as fast as they can be read, and
 * print the signals they would have raised: for tuning rules on last week's logs, and for tests.
 */
export function registerLogsCommands(program: Command, cli: CliEnv): void {
  const logs = program.command('logs').description('work with log files');
  logs
    .command('replay')
    .description("run a playbook's detection rules over log files and print the signals")
    .argument('<files...>', 'log files, oldest first; FILE:FORMAT reads one file in a format of its own')
    .requiredOption(
      '--playbook <file-or-service>',
      'playbook YAML file, or a service name in the playbook directory',
    )
    .option(
      '--format <format>',
      'log format of the files nothing else names (a file is read as FILE:FORMAT when given so, else as the playbook source of its name, rotation suffixes aside, else in this format, else in the format its first lines read as)',
    )
    .option(
      '--threads <n>',
      "threads to split the rules across, each reading every line; 1 stays in one thread (default: for replays of 64 MB or more in all, the rules are timed on the biggest file's head and split across up to one thread per core, at most 4, when that saves a tenth of the time)",
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        files: string[],
        opts: { playbook: string; format?: string; threads?: string; json?: boolean },
        command: Command,
      ) => {
        try {
          const dir =
            command.optsWithGlobals<{ playbooks?: string }>().playbooks ??
            cli.env.RAMPART_PLAYBOOKS ??
            'playbooks';
          const playbook = await findPlaybook(opts.playbook, resolve(cli.cwd, dir), cli.cwd);
          // The gateway's key groups the same tokens as live; without it a one-off key still groups within this run.
          const tokenKey = cli.env.RAMPART_TOKEN_KEY ?? randomBytes(24).toString('base64url');
          const paths = files.map((f) => (isAbsolute(f) ? f : resolve(cli.cwd, f)));
          const result = await replayFiles(paths, {
            playbook,
            tokenKey,
            ...(opts.format !== undefined ? { format: opts.format } : {}),
            ...(opts.threads !== undefined ? { threads: threadCount(opts.threads) } : {}),
          });
          if (opts.json === true) {
            cli.io.out(
              JSON.stringify(
                { signals: result.signals, clears: result.clears, summary: summaryOf(result) },
                null,
                2,
              ),
            );
            return;
          }
          if (result.signals.length > 0) cli.io.out(formatSignals(result.signals));
          cli.io.out(summaryLine(result));
        } catch (error) {
          reportError(cli.io, error);
        }
      },
    );
}

function threadCount(given: string): number {
  if (/^\d{1,3}$/.test(given)) return Number(given);
  throw new RampartError(
    'RAMPART_CONFIG',
    `--threads: expected a whole number from 1 to 64, got "${given}"`,
    [{ path: '--threads', message: 'a whole number from 1 to 64' }],
  );
}

export async function findPlaybook(given: string, dir: string, cwd: string): Promise<Playbook> {
  const file = isAbsolute(given) ? given : resolve(cwd, given);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile) {
    const loaded = await loadPlaybook(file);
    if (loaded.ok) return loaded.playbook;
    throw new RampartError(
      'RAMPART_PLAYBOOK_INVALID',
      `playbook ${file} is invalid`,
      loaded.errors.map((e) => ({ message: formatPlaybookError(e) })),
    );
  }
  const all = await loadPlaybookDir(dir).catch(() => []);
  for (const loaded of all) if (loaded.ok && loaded.playbook.service.name === given) return loaded.playbook;
  throw new RampartError(
    'RAMPART_CONFIG',
    `--playbook: no file ${given} and no playbook for service "${given}" in ${dir}`,
  );
}

export function formatSignals(signals: readonly DetectorSignal[]): string {
  const rows = signals.map((s) => [
    s.at,
    s.kind === 'updated' ? `${s.rule} (update)` : s.rule,
    s.groupKey,
    String(s.value),
    String(s.threshold),
    s.severity ?? '',
    s.shadow ? `[shadow] ${s.title}` : s.title,
  ]);
  return formatTable(['AT', 'RULE', 'KEY', 'VALUE', 'THRESHOLD', 'SEVERITY', 'TITLE'], rows);
}

function summaryOf(result: ReplayResult) {
  return {
    files: result.files,
    lines: result.lines,
    skipped: result.skippedTotal,
    skippedReasons: result.skipped,
    events: result.events,
    signals: result.signals.length,
    clears: result.clears.length,
    elapsedMs: Math.round(result.elapsedMs),
    linesPerSecond: result.linesPerSecond,
    cpuLinesPerSecond: result.cpuLinesPerSecond,
    threads: result.threads,
  };
}

export function summaryLine(result: ReplayResult): string {
  const reasons = Object.entries(result.skipped)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const skipped = result.skippedTotal === 0 ? '0 skipped' : `${result.skippedTotal} skipped (${reasons})`;
  return `${result.lines} lines, ${skipped}, ${result.events} events, ${result.signals.length} signals, ${result.clears.length} cleared, ${result.linesPerSecond} lines/s${result.threads > 1 ? ` (${result.threads} threads)` : ''}`;
}
