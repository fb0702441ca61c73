import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Playbook, RuleSpec } from '../playbook/index.js';
import { RampartError } from '../shared/errors.js';
import type { ErrorCode } from '../shared/errors.js';
import { measureUnitCosts } from './replay-calibration.js';
import { estimatedWeights, mergeReplays, partitionUnits, ruleUnits } from './replay-partition.js';
import type { FilePlan, PlansReplay, ReplayOptions, ReplayResult } from './replay.js';
import { finish, replayInOneThread, replayPlans } from './replay.js';

/**
 * Files smaller than this replay in one thread, unmeasured: the measurement (0.1–0.3 s) and a worker's start (~0.3 s)
 * would eat what a split saves on a replay of a second or two.
 */
export const THREADED_BYTES = 64 * 1024 * 1024;
/**
 * Every thread parses every line, so past a few threads parsing dominates and more add little; the rules are
 * the part that divides.
 */
export const MAX_THREADS = 4;

/** What a worker thread is given: the plans and the options a structured clone carries (no callbacks). */
export interface WorkerTask {
  plans: FilePlan[];
  options: Pick<ReplayOptions, 'playbook' | 'tokenKey' | 'recentEvents' | 'index' | 'format'>;
}

/** What it answers: its partial replay, or the error that stopped it. */
export type WorkerAnswer =
  | { ok: true; run: PlansReplay }
  | { ok: false; error: { message: string; code?: string; details?: { path?: string; message: string }[] } };

/**
 * Running beside another thread, each thread is this much slower than alone (they share the cores' caches and
 * V8's helper threads for collection and compilation): measured 1.15–1.2 on two cores (bench/detector).
 */
const CONTENTION = 1.2;
/** A worker thread's start, module loading and rule compilation included, in ms (measured ~250 from dist/). */
const WORKER_START_MS = 300;
/** A split must promise at least this much less wall time than one thread, or the replay stays in one. */
const WORTH = 0.9;

/** The thread count asked for (validated), or undefined for the default. */
export function askedThreads(options: ReplayOptions): number | undefined {
  const asked = options.threads;
  if (asked === undefined) return undefined;
  if (!Number.isInteger(asked) || asked < 1 || asked > 64)
    throw new RampartError(
      'RAMPART_CONFIG',
      `--threads: expected a whole number from 1 to 64, got ${asked}`,
      [{ path: '--threads', message: 'a whole number from 1 to 64' }],
    );
  return asked;
}

/**
 * How many threads the default considers: one per core (at most MAX_THREADS) for files of THREADED_BYTES or more
 * in all, with two rules or more, else 1 (then nothing is measured). Nobody must be listening as signals come
 * (onSignal, onClear): split, they are called at the end.
 */
export function threadsToConsider(plans: readonly FilePlan[], options: ReplayOptions): number {
  if (options.onSignal !== undefined || options.onClear !== undefined) return 1;
  const cores = availableParallelism();
  if (cores < 2 || options.playbook.detection.rules.length < 2) return 1;
  return totalBytes(plans) >= THREADED_BYTES ? Math.min(cores, MAX_THREADS) : 1;
}

/** All files together, as planned (an unreadable file counts as empty: the reader reports it, by name). */
const totalBytes = (plans: readonly FilePlan[]): number =>
  plans.reduce((n, plan) => n + (plan.bytes ?? 0), 0);

/**
 * The rules' units and what each costs on the head of the biggest file (see replay-calibration.ts); headBytes 0
 * when nothing could be measured (the weights are then ruleWeight's estimates).
 */
export interface Calibration {
  units: RuleSpec[][];
  weights: number[];
  parseMs: number;
  headBytes: number;
}

export async function calibrate(plans: readonly FilePlan[], options: ReplayOptions): Promise<Calibration> {
  const units = ruleUnits(options.playbook.detection.rules);
  // The biggest file: the bulk of the replay's lines (an app log or a small rotated file first says little).
  const biggest = plans.reduce<FilePlan | undefined>(
    (big, plan) => (big === undefined || (plan.bytes ?? 0) > (big.bytes ?? 0) ? plan : big),
    undefined,
  );
  const head =
    biggest === undefined
      ? undefined
      : await measureUnitCosts(biggest, options.playbook, options.tokenKey, units);
  if (head === undefined) return { units, weights: estimatedWeights(units), parseMs: 0, headBytes: 0 };
  return { units, weights: head.unitMs, parseMs: head.parseMs, headBytes: head.bytes };
}

/**
 * The default's choice, from the measured head scaled to the whole replay: with n threads each thread parses
 * every line and runs its share, slower by CONTENTION, after a worker's start; one thread parses once and runs
 * every rule. The most threads that promise at most WORTH of one thread's time, else 1.
 */
export function chooseThreads(plans: readonly FilePlan[], calibration: Calibration, most: number): number {
  if (calibration.headBytes === 0) return 1;
  const scale = totalBytes(plans) / calibration.headBytes;
  const rulesMs = calibration.weights.reduce((a, b) => a + b, 0);
  const alone = (calibration.parseMs + rulesMs) * scale;
  let best = 1;
  let bestMs = alone * WORTH;
  for (let n = 2; n <= most; n++) {
    const groups = partitionUnits(calibration.units, calibration.weights, n);
    const heaviest = Math.max(...groups.map((g) => weightOf(g, calibration)));
    const split = (calibration.parseMs + heaviest) * scale * CONTENTION + WORKER_START_MS;
    if (split < bestMs) {
      best = groups.length;
      bestMs = split;
    }
  }
  return best;
}

function weightOf(group: readonly RuleSpec[], calibration: Calibration): number {
  let total = 0;
  calibration.units.forEach((unit, i) => {
    if (unit.every((rule) => group.includes(rule))) total += calibration.weights[i] ?? 0;
  });
  return total;
}

const withRules = (playbook: Playbook, rules: RuleSpec[]): Playbook => ({
  ...playbook,
  detection: { ...playbook.detection, rules },
});

/**
 * The replay split by rules (replay-partition.ts), into `threads` shares of about equal measured cost: this
 * thread runs the first share, each other share runs in a worker thread over the same files, and the partial
 * signals are merged back into the order one thread emits them. `started` and `cpuStarted` are the replay's
 * (the calibration counts): wall and CPU time are the whole replay's (CPU: every thread's, and every thread
 * parses every line).
 */
export async function replayInThreads(
  plans: readonly FilePlan[],
  options: ReplayOptions,
  threads: number,
  calibration: Calibration,
  started: number,
  cpuStarted: NodeJS.CpuUsage,
): Promise<ReplayResult> {
  const { playbook } = options;
  const rules = playbook.detection.rules;
  const groups = partitionUnits(calibration.units, calibration.weights, threads);
  if (groups.length < 2) {
    // Fewer units of rules than threads asked for (none, or one): nothing to split.
    return replayInOneThread(plans, options, started, cpuStarted);
  }
  const [own = [], ...theirs] = groups;
  const workers: Worker[] = [];
  // A thread that fails stops this thread's share too: the replay has failed, there is no use reading on.
  const stop = new AbortController();
  const shared = {
    tokenKey: options.tokenKey,
    ...(options.recentEvents !== undefined ? { recentEvents: options.recentEvents } : {}),
    ...(options.index !== undefined ? { index: options.index } : {}),
    ...(options.format !== undefined ? { format: options.format } : {}),
  };
  const partial = theirs.map((group) =>
    runWorker(
      { plans: [...plans], options: { ...shared, playbook: withRules(playbook, group) } },
      workers,
    ).catch((error: unknown) => {
      stop.abort();
      throw error;
    }),
  );
  try {
    const here = replayPlans(plans, { ...shared, playbook: withRules(playbook, own), signal: stop.signal });
    const parts = await Promise.all([here, ...partial]);
    const mine = parts[0];
    const merged = mergeReplays(
      parts,
      rules.map((r) => r.name),
    );
    for (const signal of merged.signals) options.onSignal?.(signal);
    for (const clear of merged.clears) options.onClear?.(clear);
    return finish(
      { ...merged, files: mine.files, skipped: mine.skipped },
      started,
      cpuStarted,
      groups.length,
    );
  } finally {
    for (const worker of workers) void worker.terminate();
  }
}

/**
 * The worker entry next to this module: compiled JavaScript, or (run from source, in tests and benches) a small
 * script that registers tsx in the new thread and then imports the TypeScript entry.
 */
function startWorker(task: WorkerTask): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./replay-worker.js', import.meta.url), { workerData: task });
  // tsx's ESM API (its `import` export: dist/esm/api/index.mjs) registers its loader in the thread that calls it.
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsx = pathToFileURL(join(dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./replay-worker.ts', import.meta.url).href;
  const script = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(script, { eval: true, workerData: task });
}

function runWorker(task: WorkerTask, workers: Worker[]): Promise<PlansReplay> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(task);
    workers.push(worker);
    let settled = false;
    worker.once('message', (answer: WorkerAnswer) => {
      settled = true;
      if (answer.ok) resolve(answer.run);
      else {
        const { code, message, details } = answer.error;
        reject(
          code !== undefined && code.startsWith('RAMPART_')
            ? new RampartError(code as ErrorCode, message, details ?? [])
            : new Error(`replay thread: ${message}`),
        );
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(new Error(`replay thread: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`replay thread exited with code ${code} before it answered`));
    });
  });
}
