import type { Command } from 'commander';
import {
  explainPlaybook,
  formatPlaybookError,
  formatPlaybookWarning,
  loadPlaybook,
  playbookJsonSchemaText,
} from '../../playbook/index.js';
import type { Playbook } from '../../playbook/index.js';
import { displayPath } from '../../playbook/packs/display-path.js';
import { checkPlaybookFile } from '../../app/compile-playbook.js';
import type { CliIo } from '../io.js';

/** What validate says of the rule packs a playbook includes: each rule with its pack file:line. */
function includedRules(playbook: Playbook): string[] {
  const lines: string[] = [];
  for (const include of playbook.include) {
    const pack = include.resolved;
    if (pack === undefined) continue;
    lines.push(`    includes pack ${pack.name} (${displayPath(pack.file)}): ${pack.rules.length} rule(s)`);
    for (const rule of playbook.detection.rules)
      if (rule.pack?.pack === pack.name && rule.pack.file === pack.file)
        lines.push(`      ${rule.name} ${displayPath(rule.pack.file)}:${rule.pack.line}`);
    for (const skipped of pack.skipped) lines.push(`      left out ${skipped.rule}: ${skipped.reason}`);
  }
  return lines;
}

/** `rampart playbook validate|explain|schema`: work on playbook files without starting anything. */
export function registerPlaybookCommands(
  program: Command,
  io: CliIo,
  now: () => Date = () => new Date(),
  cwd: string = process.cwd(),
): void {
  const playbook = program.command('playbook').description('check, explain and describe playbook files');

  playbook
    .command('validate')
    .description('check playbook files; prints every error as file:line path: expected …, got …')
    .argument('<files...>', 'playbook YAML files')
    .action(async (files: string[]) => {
      let bad = 0;
      for (const file of files) {
        // Log paths are checked as `rampart up` run from here would read them.
        const result = await checkPlaybookFile(file, { cwd });
        if (result.ok) {
          io.out(`ok  ${file} (${result.playbook.service.name})`);
          for (const line of includedRules(result.playbook)) io.out(line);
          for (const warning of result.warnings) io.err(formatPlaybookWarning(warning));
        } else {
          bad++;
          for (const error of result.errors) io.err(formatPlaybookError(error));
        }
      }
      if (bad > 0) {
        io.err(`${bad} of ${files.length} playbook file(s) invalid`);
        io.setExitCode(1);
      }
    });

  playbook
    .command('explain')
    .description('say in plain words what Rampart will do for the service in this playbook')
    .argument('<file>', 'playbook YAML file')
    .action(async (file: string) => {
      const result = await loadPlaybook(file);
      if (!result.ok) {
        for (const error of result.errors) io.err(formatPlaybookError(error));
        io.setExitCode(1);
        return;
      }
      for (const line of explainPlaybook(result.playbook, now()).split('\n')) io.out(line);
    });

  playbook
    .command('schema')
    .description('print the playbook JSON Schema (for editors: yaml-language-server $schema)')
    .action(() => {
      io.out(playbookJsonSchemaText().trimEnd());
    });
}
