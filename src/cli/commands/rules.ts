import { createWriteStream } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadPlaybookDir } from '../../playbook/index.js';
import type { Playbook } from '../../playbook/index.js';
import { RampartError } from '../../shared/errors.js';
import {
  buildScenario,
  createGatewayModel,
  eventLine,
  formatScore,
  isScenarioName,
  nginxLine,
  SCENARIO_SERVICE,
  SCENARIOS,
  scoreScenario,
} from '../../traffic-model/index.js';
import type { Scenario, ScenarioName, Score } from '../../traffic-model/index.js';
import { markdownTable } from '../../traffic-model/format-score.js';
import { reportError } from '../cli-context.js';
import type { CliEnv } from '../cli-context.js';
import { formatTable } from '../table.js';
import { findPlaybook } from './logs.js';

interface ScoreOptions {
  scenario?: string[];
  playbook?: string;
  seed: string;
  size?: string;
  attacks: boolean;
  attack?: string[];
  json?: boolean;
  markdown?: boolean;
  writeLog?: string;
  writeEvents?: string;
}

/**
 * `rampart rules score`: generates the traffic model's scenarios (src/traffic-model), runs them through the
 * gateway's limits and the playbook's own rules, and prints per rule and per attack what fired, what was a
 * false alarm and what was missed. Exits 1 when ordinary traffic pages or is mitigated automatically, or an
 * attack goes uncaught: usable as a CI gate for a playbook change.
 */
export function registerRulesCommands(program: Command, cli: CliEnv): void {
  const rules = program.command('rules').description("check a playbook's detection rules");
  rules
    .command('score')
    .description('replay modelled ordinary traffic with attacks mixed in through the rules and limits, and score them')
    .option('--scenario <name...>', `scenarios (${SCENARIOS.join(', ')}); default every scenario`)
    .option('--playbook <file-or-service>', "playbook for a single scenario (default: the playbook of the scenario's service)")
    .option('--seed <n>', 'seed of the model (same seed, same traffic)', '1')
    .option('--size <n>', 'events of the Saturday or customers of the Monday')
    .option('--no-attacks', 'ordinary traffic only')
    .option('--attack <name...>', 'only these attacks (names as the score prints them)')
    .option('--json', 'machine-readable output')
    .option('--markdown', 'markdown tables (for a README)')
    .option('--write-log <file>', 'also write the scenario as nginx combined lines (raw tokens, as nginx logs them)')
    .option('--write-events <file>', "also write the gateway's events as JSON lines")
    .action(async (opts: ScoreOptions, command: Command) => {
      try {
        const names = (opts.scenario ?? [...SCENARIOS]).map((name) => {
          if (!isScenarioName(name))
            throw new RampartError('RAMPART_CONFIG', `--scenario: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
          return name;
        });
        const seed = wholeNumber(opts.seed, '--seed');
        const size = opts.size === undefined ? undefined : wholeNumber(opts.size, '--size');
        if (opts.playbook !== undefined && names.length !== 1)
          throw new RampartError('RAMPART_CONFIG', '--playbook: give one --scenario with it');
        const dir = resolve(
          cli.cwd,
          command.optsWithGlobals<{ playbooks?: string }>().playbooks ?? cli.env.RAMPART_PLAYBOOKS ?? 'playbooks',
        );
        const scores: Score[] = [];
        for (const name of names) {
          const playbook =
            opts.playbook !== undefined ? await findPlaybook(opts.playbook, dir, cli.cwd) : await playbookFor(name, dir);
          const attacks = opts.attacks === false ? false : (opts.attack ?? true);
          const scenario = buildScenario(name, { seed, attacks, ...(size !== undefined ? { size } : {}) });
          // One key for the run: the score and the written files agree on token hashes.
          const tokenKey = cli.env.RAMPART_TOKEN_KEY ?? `rules-score-${seed}`;
          if (opts.writeLog !== undefined || opts.writeEvents !== undefined)
            await writeFiles(scenario, playbook, tokenKey, opts, cli.cwd, names.length > 1 ? name : undefined);
          scores.push(scoreScenario(playbook, scenario, tokenKey));
        }
        if (opts.json === true) cli.io.out(JSON.stringify(scores, null, 2));
        else cli.io.out(scores.map((s) => formatScore(s, opts.markdown === true ? markdownTable : formatTable)).join('\n\n'));
        const bad = scores.some(
          (s) => s.normal.pages > 0 || s.normal.automaticMitigations > 0 || s.attacks.some((a) => !a.caught),
        );
        if (bad) cli.io.setExitCode(1);
      } catch (error) {
        reportError(cli.io, error);
      }
    });
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new RampartError('RAMPART_CONFIG', `${flag}: a whole number from 1 to 1000000 (got "${text}")`);
  return n;
}

async function playbookFor(name: ScenarioName, dir: string): Promise<Playbook> {
  const service = SCENARIO_SERVICE[name];
  const all = await loadPlaybookDir(dir).catch(() => []);
  const found = all.find((l) => l.ok && l.playbook.service.name === service);
  if (found?.ok === true) return found.playbook;
  throw new RampartError('RAMPART_CONFIG', `scenario ${name} models service "${service}": no valid playbook for it in ${dir}`);
}

async function writeFiles(scenario: Scenario, playbook: Playbook, tokenKey: string, opts: ScoreOptions, cwd: string,
  suffix: string | undefined): Promise<void> {
  const path = (file: string) => {
    const full = isAbsolute(file) ? file : resolve(cwd, file);
    return suffix === undefined ? full : `${full}.${suffix}`;
  };
  const gateway = createGatewayModel(playbook, tokenKey);
  const log = opts.writeLog === undefined ? null : createWriteStream(path(opts.writeLog));
  const events = opts.writeEvents === undefined ? null : createWriteStream(path(opts.writeEvents));
  for (const req of scenario.requests) {
    const event = gateway.decide(req);
    if (log !== null && !log.write(`${nginxLine(req, event)}\n`)) await new Promise<void>((done) => log.once('drain', () => done()));
    if (events !== null && !events.write(`${eventLine(event)}\n`)) await new Promise<void>((done) => events.once('drain', () => done()));
  }
  for (const stream of [log, events]) if (stream !== null) await new Promise<void>((done) => stream.end(() => done()));
}
