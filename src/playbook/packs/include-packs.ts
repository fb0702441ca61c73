import { readFileSync } from 'node:fs';
import { eventSourcesOfRule } from '../rule-sources.js';
import type { Playbook, RuleSpec } from '../schema.js';
import type { IncludedPack } from '../schema/include.js';
import { IssueSink, readYaml, type PlaybookError } from '../yaml-issues.js';
import { packSchema, type PackRule } from './pack-schema.js';
import { resolvePackFile } from './resolve-pack.js';

/** A rule a pack brought, with where to report its problems (its index in the pack's `rules`). */
export interface PackRuleRef {
  sink: IssueSink;
  index: number;
}

export interface IncludeResult {
  /** The pack rules that joined the playbook, in include order; the playbook's own rules stay first. */
  rules: Map<RuleSpec, PackRuleRef>;
}

export type ReadPack = (file: string) => string;

/**
 * Reads every pack the playbook includes and appends its rules to `playbook.detection.rules`. A pack rule
 * whose source the playbook does not have (an nginx error-log rule in a playbook without one) is left out,
 * and `include[i].resolved.skipped` says so; everything else wrong is an error, in the pack file or at the
 * include line.
 */
export function includePacks(
  playbook: Playbook,
  playbookSink: IssueSink,
  errors: PlaybookError[],
  readPack: ReadPack = (file) => readFileSync(file, 'utf8'),
): IncludeResult {
  const rules = new Map<RuleSpec, PackRuleRef>();
  const scale = [...playbook.severity.scale].sort((a, b) => b.rank - a.rank);
  const leastSevere = scale[0]?.name ?? playbook.severity.default;
  const owners = new Map<string, string>(playbook.detection.rules.map((r) => [r.name, 'the playbook']));

  playbook.include.forEach((include, i) => {
    const at = ['include', i];
    const where = resolvePackFile(include.pack, playbookSink.file);
    if ('error' in where) {
      playbookSink.add(at, where.error, `"${include.pack}"`);
      return;
    }
    let text: string;
    try {
      text = readPack(where.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      playbookSink.add(at, 'a readable rule pack', `${where.file}: ${code}`);
      return;
    }
    const read = readYaml(text, where.file);
    if (!read.ok) {
      errors.push(...read.errors);
      return;
    }
    const sink = new IssueSink(read.yaml, errors);
    const parsed = packSchema.safeParse(read.yaml.raw);
    if (!parsed.success) {
      sink.addSchemaIssues(parsed.error, packSchema);
      return;
    }
    const pack = parsed.data;
    const severity = include.severity ?? leastSevere;
    if (include.severity !== undefined && !scale.some((s) => s.name === include.severity))
      playbookSink.add([...at, 'severity'], `a severity on the scale (${scale.map((s) => s.name).join(', ')})`, `"${include.severity}"`);
    include.except.forEach((name, j) => {
      if (!pack.rules.some((r) => r.name === name))
        playbookSink.add([...at, 'except', j], `a rule of pack ${pack.name} (${pack.rules.map((r) => r.name).join(', ')})`, `"${name}"`);
    });

    const resolved: IncludedPack = { name: pack.name, title: pack.title, file: where.file, rules: [], skipped: [] };
    include.resolved = resolved;
    pack.rules.forEach((packRule, j) => {
      if (include.except.includes(packRule.name)) {
        resolved.skipped.push({ rule: packRule.name, reason: 'left out by except' });
        return;
      }
      const owner = owners.get(packRule.name);
      if (owner !== undefined) {
        playbookSink.add(at, `a pack whose rule names are free (rule ${packRule.name} is already in ${owner}; leave it out with except)`, `pack ${pack.name}`);
        return;
      }
      const rule = toRule(packRule, severity, { pack: pack.name, file: where.file, line: sink.lineOf(['rules', j]) });
      const reads = eventSourcesOfRule(rule, playbook);
      if (reads !== undefined && reads.size === 0) {
        resolved.skipped.push({ rule: packRule.name, reason: `the playbook has no ${packRule.source ?? ''} source` });
        return;
      }
      owners.set(packRule.name, `pack ${pack.name}`);
      playbook.detection.rules.push(rule);
      rules.set(rule, { sink, index: j });
      resolved.rules.push(rule.name);
    });
  });
  return { rules };
}

function toRule(packRule: PackRule, severity: string, origin: { pack: string; file: string; line: number }): RuleSpec {
  const { ported_from, ...fields } = packRule;
  return { ...fields, severity, pack: { ...origin, ported_from } };
}
