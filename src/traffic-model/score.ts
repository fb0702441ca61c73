import { randomBytes } from 'node:crypto';
import { createDetector } from '../detector/engine.js';
import { compileFilter } from '../detector/rules/compile-filter.js';
import type { DetectorSignal } from '../detector/detector-signal.js';
import type { Playbook, RuleSpec } from '../playbook/index.js';
import { createGatewayModel } from './gateway-decision.js';
import type { Scenario } from './model-request.js';

/** One signal that would have opened (or joined) an incident, and whose traffic raised it. */
export interface ScoredSignal {
  rule: string;
  key: string;
  at: number;
  severity: string;
  /** Would page: an audience with a PagerDuty channel takes this severity's "opened". */
  page: boolean;
  /** Its mitigation would be applied without a person. */
  automatic: boolean;
  shadow: boolean;
  /** The attack whose requests raised it, or null: a false positive. */
  attack: string | null;
  /** Share of the attack's requests among the rule's requests of that key in the window. */
  attackShare: number;
  value: number;
  threshold: number;
}

export interface RuleScore {
  rule: string;
  severity: string;
  page: boolean;
  automatic: boolean;
  shadow: boolean;
  truePositives: number;
  falsePositives: number;
  attacks: string[];
}

export interface AttackScore {
  name: string;
  title: string;
  drill: string | null;
  requests: number;
  caught: boolean;
  /** Rules that fired on it; "limit:<name>" when the gateway's limits refused it. */
  caughtBy: string[];
  firstRequest: number;
  /** From its first request to its first signal (ms); null when no rule fired. */
  timeToIncidentMs: number | null;
  limited: number;
}

export interface Score {
  scenario: string;
  service: string;
  title: string;
  requests: number;
  attackRequests: number;
  /** Ordinary traffic: what must all be zero. */
  normal: { pages: number; automaticMitigations: number; signals: number; shadowSignals: number; limited: number; limitedBy: Record<string, number> };
  rules: RuleScore[];
  signals: ScoredSignal[];
  attacks: AttackScore[];
  elapsedMs: number;
}

/** A signal counts for an attack when its requests are at least this share of what the rule saw for the key. */
const ATTACK_SHARE = 0.2;

function windowOf(rule: RuleSpec): number {
  const t = rule.trigger;
  switch (t.type) {
    case 'leaky_bucket':
      return Math.max(60_000, (t.capacity / t.leak_per_second) * 1000);
    case 'absence':
      return t.for;
    default:
      return t.window;
  }
}

/** Whether an "opened" incident of this severity reaches an audience that has a PagerDuty channel. */
export function pagesAt(playbook: Playbook, severity: string, type: string | undefined): boolean {
  return playbook.comms.audiences.some(
    (a) =>
      a.channels.some((c) => c.type === 'pagerduty') &&
      (a.when.severities === undefined || a.when.severities.includes(severity)) &&
      (a.when.events === undefined || a.when.events.includes('opened')) &&
      (a.when.incident_types === undefined || (type !== undefined && a.when.incident_types.includes(type))),
  );
}

/**
 * Replays a scenario through the gateway's decisions and the real detector (the playbook's own rules,
 * compiled as `rampart up` compiles them), and scores every signal: true positive when an attack's requests
 * make up at least a fifth of what the rule saw for that key in its window, else a false positive.
 */
export function scoreScenario(playbook: Playbook, scenario: Scenario, tokenKey = randomBytes(24).toString('base64url')): Score {
  const started = performance.now();
  const gateway = createGatewayModel(playbook, tokenKey);
  const fired: DetectorSignal[] = [];
  const detector = createDetector({
    playbooks: [playbook],
    tokenKey,
    recent: { maxEvents: 1_000 },
    onSignal: (s) => {
      if (s.kind === 'fired') fired.push(s);
    },
  });
  const specs = new Map(playbook.detection.rules.map((r) => [r.name, r]));
  // A ratio rule's signal is about its errors: attribute it on the requests its errors filter counts.
  const counted = detector.rules.map((rule) => {
    const spec = specs.get(rule.name);
    return spec?.trigger.type === 'ratio'
      ? compileFilter(spec.trigger.errors, rule.routes, `detection.rules[${rule.name}].trigger.errors`)
      : undefined;
  });
  const windows = new Map(playbook.detection.rules.map((r) => [r.name, windowOf(r)]));
  const labels = ['', ...scenario.attacks.map((a) => a.name)];
  const labelOf = new Map(scenario.attacks.map((a, i) => [a.name, i + 1]));
  // Per rule and key, the recent matched requests' times and labels (0 = ordinary).
  const seen = detector.rules.map(() => new Map<string, { times: number[]; labels: number[] }>());
  const attributed: { signal: DetectorSignal; attack: number; share: number }[] = [];
  const limitedByAttack = new Map<number, number>();
  const normalLimited: Record<string, number> = {};
  const firstRequest = new Map<number, number>();
  const requestsOf = new Map<number, number>();
  let attackRequests = 0;

  const attribute = (signal: DetectorSignal) => {
    const index = detector.rules.findIndex((r) => r.name === signal.rule);
    const entry = seen[index]?.get(signal.groupKey);
    const at = Date.parse(signal.at);
    const from = at - (windows.get(signal.rule) ?? 15 * 60_000);
    const counts = new Map<number, number>();
    let total = 0;
    if (entry !== undefined)
      for (let i = entry.times.length - 1; i >= 0 && (entry.times[i] as number) >= from; i--) {
        const l = entry.labels[i] as number;
        counts.set(l, (counts.get(l) ?? 0) + 1);
        total++;
      }
    let best = 0;
    let bestCount = 0;
    for (const [l, c] of counts) if (l !== 0 && c > bestCount) [best, bestCount] = [l, c];
    const share = total === 0 ? 0 : bestCount / total;
    attributed.push({ signal, attack: share >= ATTACK_SHARE ? best : 0, share });
  };

  for (const req of scenario.requests) {
    const label = req.attack === null ? 0 : (labelOf.get(req.attack) ?? 0);
    if (label !== 0) {
      attackRequests++;
      if (!firstRequest.has(label)) firstRequest.set(label, req.time);
      requestsOf.set(label, (requestsOf.get(label) ?? 0) + 1);
    }
    const event = gateway.decide(req);
    if (event.decision === 'rate-limited') {
      if (label === 0) {
        const limit = (event.rule ?? '').slice('rate-limit:'.length);
        normalLimited[limit] = (normalLimited[limit] ?? 0) + 1;
      } else limitedByAttack.set(label, (limitedByAttack.get(label) ?? 0) + 1);
    }
    const before = fired.length;
    detector.ingest(event);
    // Remember what each rule saw, after the detector: a signal is attributed on the events up to its own.
    for (let i = 0; i < detector.rules.length; i++) {
      const rule = detector.rules[i] as (typeof detector.rules)[number];
      if (!rule.matches(event) || counted[i]?.(event) === false) continue;
      const key = rule.groupKey(event);
      if (key === undefined) continue;
      const keys = seen[i] as Map<string, { times: number[]; labels: number[] }>;
      let entry = keys.get(key);
      if (entry === undefined) keys.set(key, (entry = { times: [], labels: [] }));
      entry.times.push(event.time);
      entry.labels.push(label);
      const horizon = event.time - (windows.get(rule.name) ?? 15 * 60_000);
      if (entry.times.length > 64 && (entry.times[0] as number) < horizon) {
        let cut = 0;
        while (cut < entry.times.length && (entry.times[cut] as number) < horizon) cut++;
        entry.times.splice(0, cut);
        entry.labels.splice(0, cut);
      }
    }
    for (let i = before; i < fired.length; i++) attribute(fired[i] as DetectorSignal);
  }
  const before = fired.length;
  if (scenario.requests.length > 0) detector.tick(scenario.end + 1);
  for (let i = before; i < fired.length; i++) attribute(fired[i] as DetectorSignal);

  const signals: ScoredSignal[] = attributed.map(({ signal, attack, share }) => {
    const spec = specs.get(signal.rule);
    const severity = signal.severity ?? playbook.severity.default;
    return {
      rule: signal.rule,
      key: signal.groupKey,
      at: Date.parse(signal.at),
      severity,
      page: !signal.shadow && pagesAt(playbook, severity, signal.type),
      automatic: !signal.shadow && spec?.mitigation?.automatic === true,
      shadow: signal.shadow,
      attack: attack === 0 ? null : (labels[attack] ?? null),
      attackShare: Math.round(share * 100) / 100,
      value: signal.value,
      threshold: signal.threshold,
    };
  });
  const rules: RuleScore[] = playbook.detection.rules.map((spec) => {
    const mine = signals.filter((s) => s.rule === spec.name);
    const severity = detector.rules.find((r) => r.name === spec.name)?.severity ?? playbook.severity.default;
    return {
      rule: spec.name,
      severity,
      page: !spec.shadow && pagesAt(playbook, severity, spec.incident_type),
      automatic: !spec.shadow && spec.mitigation?.automatic === true,
      shadow: spec.shadow,
      truePositives: mine.filter((s) => s.attack !== null).length,
      falsePositives: mine.filter((s) => s.attack === null).length,
      attacks: [...new Set(mine.flatMap((s) => (s.attack === null ? [] : [s.attack])))],
    };
  });
  const attacks: AttackScore[] = scenario.attacks.map((a, i) => {
    const label = i + 1;
    const hits = signals.filter((s) => s.attack === a.name && !s.shadow);
    const first = firstRequest.get(label) ?? scenario.start;
    const limited = limitedByAttack.get(label) ?? 0;
    const byLimits = a.caughtByLimits === true && limited > 0;
    const caughtBy = [...new Set(hits.map((s) => s.rule))];
    if (byLimits) caughtBy.push('gateway limits (429)');
    const firstHit = hits.reduce((m, s) => Math.min(m, s.at), Infinity);
    return {
      name: a.name,
      title: a.title,
      drill: a.drill ?? null,
      requests: requestsOf.get(label) ?? 0,
      caught: hits.length > 0 || byLimits,
      caughtBy,
      firstRequest: first,
      timeToIncidentMs: firstHit === Infinity ? null : Math.max(0, firstHit - first),
      limited,
    };
  });
  const normal = signals.filter((s) => s.attack === null);
  return {
    scenario: scenario.name,
    service: scenario.service,
    title: scenario.title,
    requests: scenario.requests.length,
    attackRequests,
    normal: {
      pages: normal.filter((s) => s.page).length,
      automaticMitigations: normal.filter((s) => s.automatic).length,
      signals: normal.filter((s) => !s.shadow).length,
      shadowSignals: normal.filter((s) => s.shadow).length,
      limited: Object.values(normalLimited).reduce((n, c) => n + c, 0),
      limitedBy: normalLimited,
    },
    rules,
    signals,
    attacks,
    elapsedMs: Math.round(performance.now() - started),
  };
}

