import { randomBytes } from 'node:crypto';
import type { RequestEvent } from '../domain/request-event.js';
import type { Playbook } from '../playbook/index.js';
import type { Clock } from '../shared/clock.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import { createEventEnricher } from './enrich-event.js';
import { RecentEvents } from './recent-events.js';
import type { RecentEventsOptions } from './recent-events.js';
import { RuleRunner } from './rule-runner.js';
import { compileRules } from './rules/index.js';
import type { CompiledRule, CompileOptions } from './rules/index.js';

export interface DetectorOptions extends CompileOptions {
  playbooks?: readonly Playbook[];
  /** Precompiled rules (tests, or a subset); they run beside the playbooks' own. */
  rules?: readonly CompiledRule[];
  onSignal: (signal: DetectorSignal) => void;
  onClear?: (clear: DetectorClear) => void;
  /** Used by tick() without an argument (live). Replay never reads it. */
  clock?: Clock;
  /** Key for hashing join tokens found in log paths; the gateway's key, so both agree. Default: random. */
  tokenKey?: string;
  /** The evidence ring; maxAgeMs defaults to the longest evidence_window of the playbooks. */
  recent?: RecentEventsOptions;
}

export interface RuleStats {
  service: string;
  rule: string;
  keys: number;
  maxKeys: number;
  evictions: number;
  firing: number;
}

export interface DetectorStats {
  events: number;
  /** Events of a service no loaded playbook protects. */
  unknownService: number;
  signals: number;
  clears: number;
  recentEvents: number;
  rules: RuleStats[];
}

export interface Detector {
  /** Synchronous and cheap: the gateway calls this per request. Time is the event's own. */
  ingest(event: RequestEvent): void;
  /** Advances time without an event (live: from a timer; replay: once at the end). Default: the clock's now. */
  tick(now?: number): void;
  stats(): DetectorStats;
  readonly recent: RecentEvents;
  readonly rules: readonly CompiledRule[];
}

/** Clears and silences are settled at least this often (of event time), besides before every event of a key. */
const SWEEP_EVERY_MS = 1_000;

/**
 * The rule engine: each event is enriched (route and path token, for log lines), kept in the recent-events ring
 * and offered to every rule of its service. The clock is event time, so a replayed log gives the signals the
 * same events gave live.
 */
export function createDetector(options: DetectorOptions): Detector {
  const playbooks = options.playbooks ?? [];
  const compiled = [...playbooks.flatMap((p) => compileRules(p, options)), ...(options.rules ?? [])];
  const evidenceMs = Math.max(15 * 60_000, ...playbooks.map((p) => p.detection.evidence_window));
  const recent = new RecentEvents({ maxAgeMs: evidenceMs, ...options.recent });
  const counters = { events: 0, unknownService: 0, signals: 0, clears: 0 };
  const sink = {
    signal(signal: DetectorSignal) {
      counters.signals++;
      options.onSignal(signal);
    },
    clear(clear: DetectorClear) {
      counters.clears++;
      options.onClear?.(clear);
    },
  };
  const runners = compiled.map((rule) => new RuleRunner(rule, sink));
  const byService = new Map<string, RuleRunner[]>();
  for (const runner of runners) {
    const list = byService.get(runner.rule.service) ?? [];
    list.push(runner);
    byService.set(runner.rule.service, list);
  }
  // Runners per service and event source, built on first sight: a rule for the Laravel log is never offered
  // an access-log event. Sources are few (gateway, each log), so the inner maps stay tiny.
  const bySource = new Map<string, Map<string, RuleRunner[]>>();
  const runnersFor = (service: string, source: string): RuleRunner[] | undefined => {
    const all = byService.get(service);
    if (all === undefined) return undefined;
    let sources = bySource.get(service);
    if (sources === undefined) bySource.set(service, (sources = new Map<string, RuleRunner[]>()));
    let list = sources.get(source);
    if (list === undefined) {
      list = all.filter((r) => r.rule.source === undefined || r.rule.source === source);
      if (sources.size < 1000) sources.set(source, list);
    }
    return list;
  };
  const tokenKey = options.tokenKey ?? randomBytes(24).toString('base64url');
  const enrichers = new Map(playbooks.map((p) => [p.service.name, createEventEnricher(p, tokenKey)]));

  let now = -Infinity;
  let nextSweep = -Infinity;
  const advance = (time: number) => {
    if (time <= now) return;
    if (now === -Infinity) for (const runner of runners) runner.start(time);
    now = time;
    if (time >= nextSweep) {
      for (const runner of runners) runner.sweep(time);
      nextSweep = time - (time % SWEEP_EVERY_MS) + SWEEP_EVERY_MS;
    }
  };

  return {
    recent,
    rules: compiled,
    ingest(event) {
      counters.events++;
      const time = event.time;
      if (!Number.isFinite(time)) return;
      if (event.route === null) enrichers.get(event.service)?.(event);
      advance(time);
      recent.push(event);
      const list = runnersFor(event.service, event.source);
      if (list === undefined) {
        counters.unknownService++;
        return;
      }
      for (let i = 0; i < list.length; i++) {
        const runner = list[i] as RuleRunner;
        const rule = runner.rule;
        if (!rule.matches(event)) continue;
        const key = rule.groupKey(event);
        if (key !== undefined) runner.observe(key, event, time);
      }
    },
    tick(at) {
      const time = at ?? (options.clock ?? { now: () => new Date() }).now().getTime();
      if (time < now) return;
      advance(time);
      // A tick always settles what is due, even between two sweep boundaries.
      for (const runner of runners) runner.sweep(time);
    },
    stats() {
      return {
        ...counters,
        recentEvents: recent.size,
        rules: runners.map((r) => ({
          service: r.rule.service,
          rule: r.rule.name,
          keys: r.keys.size,
          maxKeys: r.keys.max,
          evictions: r.keys.evictions,
          firing: r.firingCount,
        })),
      };
    },
  };
}
