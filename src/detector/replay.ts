import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { eventSourceOf, REQUEST_LOG_FORMATS } from '../playbook/index.js';
import type { Playbook, SourceSpec } from '../playbook/index.js';
import { RampartError } from '../shared/errors.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import { createDetector } from './engine.js';
import type { DetectorStats } from './engine.js';
import { getParser, isLogFormat } from './sources/parsers/index.js';
import { readLines } from './sources/read-lines.js';
import { mergeReplays } from './replay-partition.js';
import type { PartialReplay } from './replay-partition.js';
import {
  askedThreads,
  calibrate,
  chooseThreads,
  replayInThreads,
  threadsToConsider,
} from './replay-threads.js';
import { queryTokensOf } from './token-locations.js';
import type { LogFormat, ParserOptions } from './sources/parsers/index.js';

export { REQUEST_LOG_FORMATS };

export interface ReplayOptions {
  playbook: Playbook;
  /**
   * Format of the files not named like a playbook log source (those are read in their source's format); a
   * file given as "path:format" is read in that format.
   */
  format?: string;
  /** Key for hashing tokens: the gateway's, to group the same tokens as live. */
  tokenKey: string;
  onSignal?: (signal: DetectorSignal) => void;
  onClear?: (clear: DetectorClear) => void;
  /** Evidence ring size; replay does not snapshot, and a big ring slows it down (GC). Default 1,000 events. */
  recentEvents?: number;
  /** The rule index (default on); off offers every event to every rule of its source, for comparisons. */
  index?: boolean;
  /** Stops the replay: it rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * Threads to split the rules across (each reads every line): 1 runs in this thread. Default: for files of
   * THREADED_BYTES or more, with nobody listening as signals come (onSignal, onClear), the rules are timed on the
   * head of the biggest file and split across up to one thread per core (at most 4) when that promises at least a
   * tenth less wall time; else one thread.
   */
  threads?: number;
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
  /** User + system CPU of this process while replaying: steadier than wall time on a shared machine. */
  cpuMs: number;
  cpuLinesPerSecond: number;
  /** Threads the rules ran in (1: this thread alone). */
  threads: number;
  stats: DetectorStats;
}

type LogSource = Extract<SourceSpec, { kind: 'log' }>;

export interface FilePlan {
  file: string;
  /** Its size when the replay was planned: every thread reads exactly these bytes, even of a growing log. */
  bytes?: number;
  format: LogFormat;
  source: string;
  spec: LogSource | undefined;
}

/** A rotated file's suffix: "access.log.1", "access.log.2.gz", "access.log-20251130", "error.log.1.old". */
const ROTATION = /(?:[.-](?:\d{1,8}|\d{4}-?\d{2}-?\d{2}(?:-?\d{2,6})?))?(?:\.(?:gz|old|bak))?$/;

function rotatedBase(name: string): string {
  return name.replace(ROTATION, '');
}

/**
 * "access.log.1:nginx" → the file and its format; a suffix after the last ":" that is not a log format is part
 * of the file name.
 */
export function splitFileFormat(arg: string): { file: string; format?: string } {
  const colon = arg.lastIndexOf(':');
  if (colon <= 0) return { file: arg };
  const format = arg.slice(colon + 1);
  return isLogFormat(format) ? { file: arg.slice(0, colon), format } : { file: arg };
}

/**
 * Which format a file is read with and which source its events count as, in this order: the format given for
 * that file (`path:format`), the playbook log source with the same file name (rotation suffixes such as
 * ".1", ".2.gz" or "-20251130" ignored), `--format`, or the format its first lines read as (`sniffed`). An
 * access log stands in for the gateway (rules with `source: gateway`) unless a rule names its playbook
 * source; an app log (laravel, uvicorn-error, regex …) carries the name of its playbook source.
 */
export function planFile(
  file: string,
  playbook: Playbook,
  format?: string,
  own?: string,
  sniffed?: LogFormat,
): FilePlan {
  const logs = playbook.detection.sources.filter((s): s is LogSource => s.kind === 'log');
  const name = basename(file);
  const byName =
    logs.find((s) => basename(s.path) === name) ??
    logs.find((s) => rotatedBase(basename(s.path)) === rotatedBase(name));
  const chosen = own ?? byName?.format ?? format ?? sniffed;
  if (chosen === undefined) {
    const known = logs.map((s) => basename(s.path)).join(', ') || 'none';
    throw new RampartError(
      'RAMPART_CONFIG',
      `${file}: no format: give one as ${name}:FORMAT or --format, or name the file like one of playbook ${playbook.service.name}'s log sources (${known}); its first lines read as no known format`,
      [
        {
          path: file,
          message: 'a FILE:FORMAT, a --format, or a file named like one of the playbook log sources',
        },
      ],
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
  else source = `file:${name}`;
  return { file, format: chosen, source, spec };
}

/** The parser options a playbook log source asks for (pattern, field mapping, time zone, refusal statuses). */
export function parserOptionsOf(spec: LogSource | undefined): ParserOptions {
  if (spec === undefined) return {};
  return {
    ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}),
    ...(spec.fields !== undefined ? { fields: spec.fields } : {}),
    ...(spec.timezone !== undefined ? { timezone: spec.timezone } : {}),
    ...(spec.refusal_statuses !== undefined ? { refusalStatuses: spec.refusal_statuses } : {}),
  };
}

/** The format of the playbook source a file is named like, if any. */
function nameFormat(file: string, playbook: Playbook): string | undefined {
  const name = basename(file);
  const logs = playbook.detection.sources.filter((s): s is LogSource => s.kind === 'log');
  return (
    logs.find((s) => basename(s.path) === name) ??
    logs.find((s) => rotatedBase(basename(s.path)) === rotatedBase(name))
  )?.format;
}

const SNIFF_LINES = 20;
/** Formats tried on a file nothing names, most specific first (a regex needs a pattern, so it is never guessed). */
const SNIFF_ORDER: LogFormat[] = [
  'nginx-error',
  'apache-error',
  'laravel',
  'caddy',
  'traefik',
  'nginx-json',
  'nginx',
  'apache',
  'uvicorn',
  'uvicorn-error',
  'jsonl',
];

/** The format that reads most of a file's first lines (at least half of them), or undefined. */
export async function sniffFormat(file: string): Promise<LogFormat | undefined> {
  const lines: string[] = [];
  const stream = createReadStream(file, { start: 0, end: 256 * 1024 - 1, encoding: 'utf8' });
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  for (const line of text.split('\n')) {
    if (line.trim() !== '') lines.push(line);
    if (lines.length >= SNIFF_LINES) break;
  }
  if (lines.length === 0) return undefined;
  const ctx = { service: 'sniff', source: 'sniff', tokenKey: 'sniff', now: 0 };
  let best: { format: LogFormat; read: number } | undefined;
  for (const format of SNIFF_ORDER) {
    const parser = getParser(format, { timezone: 'UTC' });
    const read = lines.filter((line) => parser.parse(line, ctx).ok).length;
    if (read * 2 >= lines.length && (best === undefined || read > best.read)) best = { format, read };
  }
  return best?.format;
}

/**
 * Runs a playbook's rules over log files as fast as they can be read, files in the order given (rotated files
 * oldest first), then ticks once at the last event's time. Every file is planned before any is read, so a
 * bad file name fails at once; each file is read as far as it reached then (a log still being written stops
 * there). A big replay is split across threads by rules (see replay-threads.ts). Signals and clears are listed in
 * the replay's order (mergeReplays: by the event they came after, then by the rule's place in the playbook), so
 * one thread and a split give the same lists; onSignal and onClear see them as they are raised (split: at the end,
 * in that order).
 */
export async function replayFiles(files: readonly string[], options: ReplayOptions): Promise<ReplayResult> {
  const { playbook } = options;
  const plans: FilePlan[] = [];
  for (const arg of files) {
    const { file, format } = splitFileFormat(arg);
    const named = format ?? nameFormat(file, playbook) ?? options.format;
    const plan = planFile(
      file,
      playbook,
      options.format,
      format,
      named === undefined ? await sniffFormat(file) : undefined,
    );
    // An unreadable file is reported by the reader, with its name.
    const bytes = await stat(file).then(
      (s) => s.size,
      () => undefined,
    );
    plans.push(bytes === undefined ? plan : { ...plan, bytes });
  }
  const asked = askedThreads(options);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // The default measures the rules on the head of the biggest file and splits only when that promises a gain.
  const most = asked ?? threadsToConsider(plans, options);
  if (most > 1) {
    const calibration = await calibrate(plans, options);
    const threads = asked ?? chooseThreads(plans, calibration, most);
    if (threads > 1) return replayInThreads(plans, options, threads, calibration, started, cpuStarted);
  }
  return replayInOneThread(plans, options, started, cpuStarted);
}

/** The replay in this thread, its lists put in the replay's order (mergeReplays of one part), timed from `started`. */
export async function replayInOneThread(
  plans: readonly FilePlan[],
  options: ReplayOptions,
  started: number,
  cpuStarted: NodeJS.CpuUsage,
): Promise<ReplayResult> {
  const run = await replayPlans(plans, options);
  const ordered = mergeReplays(
    [run],
    options.playbook.detection.rules.map((r) => r.name),
  );
  return finish({ ...run, ...ordered }, started, cpuStarted);
}

/** What one replay in this thread made, before its timing is added. */
export interface PlansReplay extends PartialReplay {
  files: ReplayFileResult[];
  skipped: Record<string, number>;
}

/**
 * The replay itself, in this thread: every planned file through the parser and the detector with the
 * playbook's rules (a worker thread runs it with its share of them).
 */
export async function replayPlans(plans: readonly FilePlan[], options: ReplayOptions): Promise<PlansReplay> {
  const { playbook } = options;
  const signals: DetectorSignal[] = [];
  const clears: DetectorClear[] = [];
  const signalSeq: number[] = [];
  const clearSeq: number[] = [];
  let ingested = 0;
  const detector = createDetector({
    playbooks: [playbook],
    tokenKey: options.tokenKey,
    recent: { maxEvents: options.recentEvents ?? 1_000 },
    ...(options.index === undefined ? {} : { index: options.index }),
    onSignal(signal) {
      signals.push(signal);
      signalSeq.push(ingested);
      options.onSignal?.(signal);
    },
    onClear(clear) {
      clears.push(clear);
      clearSeq.push(ingested);
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
  for (const plan of plans) {
    const parser = getParser(plan.format, parserOptionsOf(plan.spec));
    const ctx = {
      service: playbook.service.name,
      source: plan.source,
      tokenKey: options.tokenKey,
      queryTokens,
    };
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
        ingested++;
      },
      {
        onSkip: (reason) => skip(reason),
        ...(plan.bytes !== undefined ? { bytes: plan.bytes } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      },
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
  return { signals, clears, signalSeq, clearSeq, stats: detector.stats(), files: results, skipped };
}

/** A replay's result with its wall and CPU time (of the whole process: worker threads included). */
export function finish(
  run: Omit<PlansReplay, 'signalSeq' | 'clearSeq'>,
  started: number,
  cpuStarted: NodeJS.CpuUsage,
  threads = 1,
): ReplayResult {
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const lines = run.files.reduce((n, r) => n + r.lines, 0);
  const events = run.files.reduce((n, r) => n + r.events, 0);
  return {
    signals: run.signals,
    clears: run.clears,
    files: run.files,
    lines,
    events,
    skipped: run.skipped,
    skippedTotal: Object.values(run.skipped).reduce((n, c) => n + c, 0),
    elapsedMs,
    linesPerSecond: elapsedMs > 0 ? Math.round((lines / elapsedMs) * 1000) : 0,
    cpuMs,
    cpuLinesPerSecond: cpuMs > 0 ? Math.round((lines / cpuMs) * 1000) : 0,
    threads,
    stats: run.stats,
  };
}
