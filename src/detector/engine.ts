import { randomBytes } from 'node:crypto';
import type { RequestEvent } from '../domain/request-event.js';
import { eventSourceOf, eventSources } from '../playbook/index.js';
import type { Playbook } from '../playbook/index.js';
import type { Clock } from '../shared/clock.js';
import type { DetectorClear, DetectorSignal } from './detector-signal.js';
import { createEventEnricher } from './enrich-event.js';
import { TokenScope } from './token-scope.js';
import { RecentEvents } from './recent-events.js';
import type { RecentEventsOptions } from './recent-events.js';
import { RuleIndex } from './rule-index.js';
import { RuleRunner } from './rule-runner.js';
import type { EvidenceScan } from './rule-runner.js';
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

/** One event source's time and the rules that read it. */
interface SourceTime {
  readonly source: string;
  now: number;
  nextSweep: number;
  readonly runners: readonly RuleRunner[];
  /**
   * What learns from every event of the source before any filter (a distinct trigger's known values); rules that
   * share one known-value set share its learner, which runs once per event.
   */
  readonly learners: readonly ((event: RequestEvent) => void)[];
  /** Narrows runners per event; absent when indexing is off or the source has no rules. */
  readonly index: RuleIndex | undefined;
}

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
  const clocks = new Map<string, Map<string, SourceTime>>();
  const clockOf = (service: string) => (source: string) => clocks.get(service)?.get(source)?.now ?? -Infinity;
  const evidence: EvidenceScan = (visit, limit) => recent.scanBack(visit, limit);
  const runners = compiled.map((rule) => new RuleRunner(rule, sink, clockOf(rule.service), evidence));
  const byService = new Map<string, RuleRunner[]>();
  for (const runner of runners) {
    const list = byService.get(runner.rule.service) ?? [];
    list.push(runner);
    byService.set(runner.rule.service, list);
  }
  /**
   * Each event source of a service keeps its own time (its watermark), made of its own events' times and of
   * ticks: a source whose clock is skewed (nginx's error log read as UTC an hour ahead) or late cannot clear or
   * re-fire the rules of another. It also holds the runners that read the source, so a rule for the Laravel
   * log is never offered an access-log event.
   */
  const sourceTime = (service: string, source: string): SourceTime | undefined => {
    const all = byService.get(service);
    if (all === undefined) return undefined;
    let sources = clocks.get(service);
    if (sources === undefined) clocks.set(service, (sources = new Map<string, SourceTime>()));
    let clock = sources.get(source);
    if (clock === undefined) {
      const reading = all.filter((r) => r.rule.sources === undefined || r.rule.sources.has(source));
      const first = reading[0];
      const index = options.index === false || first === undefined ? undefined : new RuleIndex(reading, first.rule.routes);
      const learners = [...new Set(reading.flatMap((r) => (r.rule.learn !== undefined ? [r.rule.learn] : [])))];
      clock = { source, now: -Infinity, nextSweep: -Infinity, runners: reading, learners, index };
      // Sources come from the configuration, not from clients; the cap only guards against a bug.
      if (sources.size < 1000) sources.set(source, clock);
    }
    return clock;
  };
  // Every source a playbook declares or a rule reads has a clock from the start, so a tick reaches its rules
  // (an absence rule over a source that never speaks) before any of its events.
  for (const playbook of playbooks)
    for (const spec of eventSources(playbook)) sourceTime(playbook.service.name, eventSourceOf(spec, playbook));
  for (const runner of runners) for (const source of runner.rule.sources ?? []) sourceTime(runner.rule.service, source);
  const tokenKey = options.tokenKey ?? randomBytes(24).toString('base64url');
  const enrichers = new Map(playbooks.map((p) => [p.service.name, createEventEnricher(p, tokenKey)]));
  // Which tenant and event each token belongs to, as the app said it (token-scope.ts); one per service.
  const tokenScopes = new Map(playbooks.map((p) => [p.service.name, new TokenScope()]));

  const advance = (clock: SourceTime, time: number) => {
    if (time <= clock.now) return;
    if (clock.now === -Infinity) for (const runner of clock.runners) runner.start(time, clock.source);
    clock.now = time;
    if (time >= clock.nextSweep) {
      for (const runner of clock.runners) runner.sweep(clock.source, time);
      clock.nextSweep = time - (time % SWEEP_EVERY_MS) + SWEEP_EVERY_MS;
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
      if (event.tokenHash !== null || event.tokenPreview !== null) tokenScopes.get(event.service)?.apply(event);
      recent.push(event);
      const clock = sourceTime(event.service, event.source);
      if (clock === undefined) {
        counters.unknownService++;
        return;
      }
      advance(clock, time);
      for (let i = 0; i < clock.learners.length; i++) (clock.learners[i] as (event: RequestEvent) => void)(event);
      const list = clock.index === undefined ? clock.runners : clock.index.candidates(event);
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
      // Every source's time is at least the tick's; a source ahead of it (skewed) keeps its own.
      for (const sources of clocks.values())
        for (const clock of sources.values()) {
          if (time < clock.now) continue;
          advance(clock, time);
          // A tick always settles what is due, even between two sweep boundaries.
          for (const runner of clock.runners) runner.sweep(clock.source, time);
        }
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
