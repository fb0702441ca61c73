import { basename } from 'node:path';
import type { Playbook, RuleSpec, SourceSpec } from './schema.js';

/** Formats whose lines are requests: unless a rule reads them by name, they stand in for the gateway. */
export const REQUEST_LOG_FORMATS: ReadonlySet<string> = new Set([
  'nginx',
  'nginx-json',
  'apache',
  'caddy',
  'traefik',
  'uvicorn',
  'jsonl',
]);

type LogSource = Extract<SourceSpec, { kind: 'log' }>;

/** Whether a rule's `source:` names this source (by name, path, format or kind, as validation accepts). */
function refersTo(reference: string, source: SourceSpec): boolean {
  if (source.name === reference || source.kind === reference) return true;
  return source.kind === 'log' && (source.path === reference || source.format === reference);
}

/** Sources that produce events for rules (alerts go to the desk directly); the gateway when none is declared. */
export function eventSources(playbook: Playbook): SourceSpec[] {
  return playbook.detection.sources.filter((s) => s.kind === 'gateway' || s.kind === 'log');
}

/**
 * The `source` value of a log source's events. An access log stands in for the gateway (rules with
 * `source: gateway`) unless a rule reads it by name, path or format; any other log carries its name, or
 * `file:<basename>` without one. Live tailing and `rampart logs replay` both use this.
 */
export function eventSourceOf(source: SourceSpec, playbook: Playbook): string {
  if (source.kind !== 'log') return source.name ?? source.kind;
  const own = source.name ?? `file:${basename(source.path)}`;
  const named = playbook.detection.rules.some(
    (r) => r.source !== undefined && r.source !== 'gateway' && refersTo(r.source, source),
  );
  if (named) return own;
  return REQUEST_LOG_FORMATS.has(source.format) ? 'gateway' : own;
}

/**
 * The event sources a rule reads: undefined for every source (a rule without `source:`), else the `source`
 * values its reference resolves to. `gateway` is always valid: access logs stand in for it in replay.
 */
export function eventSourcesOfRule(rule: RuleSpec, playbook: Playbook): Set<string> | undefined {
  const reference = rule.source;
  if (reference === undefined) return undefined;
  const names = new Set<string>();
  if (reference === 'gateway') names.add('gateway');
  for (const source of eventSources(playbook))
    if (refersTo(reference, source)) names.add(eventSourceOf(source, playbook));
  return names;
}

/** The declared sources whose events a rule reads (the gateway stands for itself when it is not declared). */
export function sourcesReadBy(rule: RuleSpec, playbook: Playbook): SourceSpec[] {
  const all = eventSources(playbook);
  const wanted = eventSourcesOfRule(rule, playbook);
  if (wanted === undefined) return all.length > 0 ? all : [{ kind: 'gateway' }];
  const read = all.filter((s) => wanted.has(eventSourceOf(s, playbook)));
  if (wanted.has('gateway') && !read.some((s) => s.kind === 'gateway')) read.unshift({ kind: 'gateway' });
  return read;
}

/** How a source is named in messages. */
export function sourceLabel(source: SourceSpec): string {
  if (source.kind !== 'log') return source.name ?? source.kind;
  return `${source.name ?? basename(source.path)} (${source.format})`;
}

export type { LogSource };
