import { resolve } from 'node:path';
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
  /** Told after each signal is handled: tests and drills measure "fired → enforced" with it. */
  onOutcome(listener: (signal: DetectorSignal, outcome: SignalOutcome, timing: SignalTiming) => void): void;
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
}): DetectionLoop {
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
  let timer: NodeJS.Timeout | undefined;
  const observe = options.observe;
  const ingest =
    observe === undefined
      ? (event: RequestEvent) => detector.ingest(event)
      : (event: RequestEvent) => {
          detector.ingest(event);
          observe(event);
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
          tails.push(
            tailFile(file, {
              from: 'end',
              onLine: (line) => {
                const parsed = parser.parse(line, { ...context, now: options.clock.now().getTime() });
                if (parsed.ok) ingest(parsed.event);
              },
              onError: (error) => logger.warn({ file, err: error }, 'log source unreadable; retrying'),
            }),
          );
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
    onOutcome: (listener) => listeners.push(listener),
  };
}
