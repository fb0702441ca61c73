import { basename } from 'node:path';
import { eventSourceOf, REQUEST_LOG_FORMATS } from '../playbook/index.js';
import type { Playbook, SourceSpec } from '../playbook/index.js';
import { RampartError } from '../shared/errors.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import { createDetector } from './engine.js';
import type { DetectorStats } from './engine.js';
import { getParser, isLogFormat, readLines } from './sources/index.js';
import { queryTokensOf } from './token-locations.js';
import type { LogFormat } from './sources/index.js';

export { REQUEST_LOG_FORMATS };

export interface ReplayOptions {
  playbook: Playbook;
  /** Format of the files not named like a playbook log source (those are read in their source's format). */
  format?: string;
  /** Key for hashing tokens: the gateway's, to group the same tokens as live. */
  tokenKey: string;
  onSignal?: (signal: DetectorSignal) => void;
  onClear?: (clear: DetectorClear) => void;
  /** Evidence ring size; replay does not snapshot, and a big ring slows it down (GC). Default 1,000 events. */
  recentEvents?: number;
  /** The rule index (default on); off offers every event to every rule of its source, for comparisons. */
  index?: boolean;
}

export interface ReplayFileResult {
  file: string;
  format: LogFormat;
  /** The event source its lines carry: which rules see them. */
  source: string;
  lines: number;
  events: number;
}

export interface ReplayResult {
  signals: DetectorSignal[];
  clears: DetectorClear[];
  files: ReplayFileResult[];
  lines: number;
  events: number;
  /** Lines not turned into events, by reason (unreadable line, not this format, too long …). */
  skipped: Record<string, number>;
  skippedTotal: number;
  elapsedMs: number;
  linesPerSecond: number;
  stats: DetectorStats;
}

type LogSource = Extract<SourceSpec, { kind: 'log' }>;

interface FilePlan {
  file: string;
  format: LogFormat;
  source: string;
  spec: LogSource | undefined;
}

/**
 * Which format a file is read with and which source its events count as. An access log stands in for the
 * gateway (rules with `source: gateway`) unless a rule names its playbook source; an app log (laravel,
 * uvicorn-error, regex …) carries the name of its playbook source.
 */
export function planFile(file: string, playbook: Playbook, format?: string): FilePlan {
  const logs = playbook.detection.sources.filter((s): s is LogSource => s.kind === 'log');
  const byName = logs.find((s) => basename(s.path) === basename(file));
  // A file named like a playbook log source is read as that source; --format covers the rest.
  const chosen = byName?.format ?? format;
  if (chosen === undefined) {
    const known = logs.map((s) => basename(s.path)).join(', ') || 'none';
    throw new RampartError(
      'RAMPART_CONFIG',
      `${file}: no --format given and no log source of playbook ${playbook.service.name} is named ${basename(file)} (its log sources: ${known})`,
      [{ path: file, message: 'a --format, or a file named like one of the playbook log sources' }],
    );
  }
  if (!isLogFormat(chosen)) {
    throw new RampartError('RAMPART_CONFIG', `--format: unknown log format "${chosen}"`, [
      { path: '--format', message: `unknown log format "${chosen}"` },
    ]);
  }
  const spec = byName?.format === chosen ? byName : logs.find((s) => s.format === chosen);
  let source: string;
  if (spec !== undefined) source = eventSourceOf(spec, playbook);
  else if (REQUEST_LOG_FORMATS.has(chosen)) source = 'gateway';
  else source = `file:${basename(file)}`;
  return { file, format: chosen, source, spec };
}

/**
 * Runs a playbook's rules over log files as fast as they can be read, files in the order given (rotated files
 * oldest first), then ticks once at the last event's time. Every file is planned before any is read, so a
 * bad file name fails at once.
 */
export async function replayFiles(files: readonly string[], options: ReplayOptions): Promise<ReplayResult> {
  const { playbook } = options;
  const plans = files.map((file) => planFile(file, playbook, options.format));
  const signals: DetectorSignal[] = [];
  const clears: DetectorClear[] = [];
  const detector = createDetector({
    playbooks: [playbook],
    tokenKey: options.tokenKey,
    recent: { maxEvents: options.recentEvents ?? 1_000 },
    ...(options.index === undefined ? {} : { index: options.index }),
    onSignal(signal) {
      signals.push(signal);
      options.onSignal?.(signal);
    },
    onClear(clear) {
      clears.push(clear);
      options.onClear?.(clear);
    },
  });
  const queryTokens = queryTokensOf(playbook);
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const results: ReplayFileResult[] = [];
  let lastTime = -Infinity;
  const started = performance.now();
  for (const plan of plans) {
    const parser = getParser(plan.format, {
      ...(plan.spec?.pattern !== undefined ? { pattern: plan.spec.pattern } : {}),
      ...(plan.spec?.fields !== undefined ? { fields: plan.spec.fields } : {}),
    });
    const ctx = { service: playbook.service.name, source: plan.source, tokenKey: options.tokenKey, queryTokens };
    let events = 0;
    const read = await readLines(
      plan.file,
      (line) => {
        const parsed = parser.parse(line, ctx);
        if (!parsed.ok) {
          skip(parsed.reason);
          return;
        }
        events++;
        if (parsed.event.time > lastTime) lastTime = parsed.event.time;
        detector.ingest(parsed.event);
      },
      { onSkip: (reason) => skip(reason) },
    );
    results.push({
      file: plan.file,
      format: plan.format,
      source: plan.source,
      lines: read.lines + read.skipped,
      events,
    });
  }
  if (lastTime > -Infinity) detector.tick(lastTime);
  const elapsedMs = performance.now() - started;
  const lines = results.reduce((n, r) => n + r.lines, 0);
  const events = results.reduce((n, r) => n + r.events, 0);
  return {
    signals,
    clears,
    files: results,
    lines,
    events,
    skipped,
    skippedTotal: Object.values(skipped).reduce((n, c) => n + c, 0),
    elapsedMs,
    linesPerSecond: elapsedMs > 0 ? Math.round((lines / elapsedMs) * 1000) : 0,
    stats: detector.stats(),
  };
}
