import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  createDetector,
  parserOptionsOf,
  planFile,
  type Detector,
  type DetectorClear,
  type DetectorSignal,
  queryTokensOf,
} from '../detector/index.js';
import { getParser, tailFile, type Tail } from '../detector/sources/index.js';
import { clearSignal, type DeskContext } from '../desk/index.js';
import type { RequestEvent } from '../domain/request-event.js';
import type { Playbook } from '../playbook/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { respondToSignal, type SignalOutcome } from './respond-to-signal.js';

/** Signals waiting for the desk. One attack is one signal plus a few updates, so this only fills under a fault. */
const MAX_QUEUED = 1_000;

export interface DetectionLoop {
  detector: Detector;
  /** The gateway's per-request sink: synchronous and cheap. */
  ingest(event: RequestEvent): void;
  /** Starts tailing the playbooks' log files and the clock tick. */
  start(): void;
  stop(): Promise<void>;
  /** Resolves when every signal handed over so far has been handled (tests, shutdown). */
  idle(): Promise<void>;
  /** The tailed log files: what /healthz and the log-source metrics report. */
  sources(): LogSourceStatus[];
  /** Per service, how late (ms) its latest event reached the detector. */
  lagMs(): Map<string, number>;
  /** Signals waiting for the desk. */
  queued(): number;
  /** Told after each signal is handled: tests and drills measure "fired → enforced" with it. */
  onOutcome(listener: (signal: DetectorSignal, outcome: SignalOutcome, timing: SignalTiming) => void): void;
}

export interface LogSourceStatus {
  service: string;
  /** The source's name in the playbook, else its file name. */
  name: string;
  path: string;
  /** The file exists and is being read. */
  present: boolean;
  linesRead: number;
  linesRefused: number;
  /** Epoch ms of the last line read; null when none has come since start-up. */
  lastLineAt: number | null;
  startedAt: number;
}

/** performance.now() when the rule fired and when the desk had finished with the signal. */
export interface SignalTiming {
  firedAt: number;
  handledAt: number;
}

/**
 * The detector in a running Rampart: request events from the gateways and from tailed log files go in; signals
 * come out and are handed, one at a time, to the desk (`respondToSignal`); clears go on the timeline.
 */
export function createDetectionLoop(options: {
  playbooks: readonly Playbook[];
  ctx: DeskContext;
  clock: Clock;
  tokenKey: string;
  logger: Logger;
  cwd: string;
  tickMs?: number;
  /** Sees every event the detector gets, whatever its source (the console's traffic analytics). */
  observe?: (event: RequestEvent) => void;
  metrics?: Metrics;
}): DetectionLoop {
  const metrics = options.metrics;
  const { ctx, logger } = options;
  const byService = new Map(options.playbooks.map((p) => [p.service.name, p]));
  const listeners: ((signal: DetectorSignal, outcome: SignalOutcome, timing: SignalTiming) => void)[] = [];
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  let dropped = 0;

  const enqueue = (label: string, work: () => Promise<void>) => {
    if (queued >= MAX_QUEUED) {
      if (dropped++ % 100 === 0)
        logger.error({ dropped }, 'detector: the desk is not keeping up; signals dropped');
      return;
    }
    queued++;
    chain = chain
      .then(work)
      .catch((error: unknown) =>
        logger.error({ err: error, signal: label }, 'detector: a signal could not be handled'),
      )
      .finally(() => queued--);
  };

  const onSignal = (signal: DetectorSignal) => {
    const playbook = byService.get(signal.service);
    if (!playbook) return;
    const firedAt = performance.now();
    metrics?.signals.inc({ service: signal.service, rule: signal.rule, kind: signal.kind });
    enqueue(signal.fingerprint, async () => {
      const outcome = await respondToSignal(ctx, detector, playbook, signal);
      const timing = { firedAt, handledAt: performance.now() };
      logger.info(
        {
          rule: signal.rule,
          key: signal.groupKey,
          incident: outcome.incident?.id,
          applied: outcome.applied,
          ms: Math.round(timing.handledAt - firedAt),
        },
        'detector signal',
      );
      for (const listener of listeners) listener(signal, outcome, timing);
    });
  };
  const onClear = (clear: DetectorClear) => {
    if (clear.shadow) return;
    enqueue(clear.fingerprint, async () => {
      await clearSignal({
        ctx,
        input: {
          service: clear.service,
          rule: clear.rule,
          fingerprint: clear.fingerprint,
          groupKey: clear.groupKey,
          correlate: clear.correlate,
          ...(clear.type !== undefined ? { type: clear.type } : {}),
          at: clear.at,
          note: `clear since ${clear.at}`,
        },
      });
    });
  };

  const detector = createDetector({
    playbooks: [...options.playbooks],
    onSignal,
    onClear,
    clock: options.clock,
    tokenKey: options.tokenKey,
  });
  const tails: Tail[] = [];
  const statuses: { status: LogSourceStatus; tail: Tail }[] = [];
  const newest = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const observe = options.observe;
  const take =
    observe === undefined
      ? (event: RequestEvent) => detector.ingest(event)
      : (event: RequestEvent) => {
          detector.ingest(event);
          observe(event);
        };
  // The detector's lag: how old the latest event of each service was when the detector took it in.
  const ingest =
    metrics === undefined
      ? take
      : (event: RequestEvent) => {
          take(event);
          newest.set(event.service, Math.max(0, options.clock.now().getTime() - event.time));
        };

  return {
    detector,
    ingest,
    start() {
      for (const playbook of options.playbooks) {
        for (const source of playbook.detection.sources) {
          if (source.kind !== 'log') continue;
          const file = resolve(options.cwd, source.path);
          // The same plan as `rampart logs replay`, so a rule gives the same signals live and replayed.
          const plan = planFile(file, playbook);
          const parser = getParser(plan.format, parserOptionsOf(source));
          const context = {
            service: playbook.service.name,
            source: plan.source,
            tokenKey: options.tokenKey,
            queryTokens: queryTokensOf(playbook),
          };
          const status: LogSourceStatus = {
            service: playbook.service.name,
            name: source.name ?? basename(source.path),
            path: file,
            present: false,
            linesRead: 0,
            linesRefused: 0,
            lastLineAt: null,
            startedAt: options.clock.now().getTime(),
          };
          const labels = { service: status.service, source: status.name };
          if (!existsSync(file)) {
            // A misspelled path must not pass in silence: said at start-up, then on /healthz and in the metrics.
            logger.warn(
              { service: status.service, source: status.name, file },
              `log source ${status.service}/${status.name}: ${file} does not exist; nothing is read from it until it appears (check the path in the playbook)`,
            );
          }
          const tail = tailFile(file, {
            from: 'end',
            onLine: (line) => {
              const now = options.clock.now().getTime();
              status.linesRead++;
              status.lastLineAt = now;
              metrics?.logLinesRead.inc(labels);
              const parsed = parser.parse(line, { ...context, now });
              if (parsed.ok) ingest(parsed.event);
              else {
                status.linesRefused++;
                metrics?.logLinesRefused.inc(labels);
              }
            },
            onSkip: () => {
              status.linesRefused++;
              metrics?.logLinesRefused.inc(labels);
            },
            onError: (error) => logger.warn({ file, err: error }, 'log source unreadable; retrying'),
          });
          tails.push(tail);
          statuses.push({ status, tail });
        }
      }
      timer = setInterval(() => detector.tick(), options.tickMs ?? 1_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all(tails.map((t) => t.stop()));
      await chain;
    },
    idle: () => chain,
    sources: () => statuses.map(({ status, tail }) => ({ ...status, present: tail.present() || existsSync(status.path) })),
    lagMs: () => new Map(newest),
    queued: () => queued,
    onOutcome: (listener) => listeners.push(listener),
  };
}
