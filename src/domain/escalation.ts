/** The earlier mitigations of one kind on one target, as escalation needs them. */
export interface PastOffence {
  createdAt: string;
  expiresAt: string | null;
  liftedAt: string | null;
}

export interface EscalationPolicy {
  /** Lifetimes of the 1st, 2nd, 3rd… offence; the last repeats. */
  stepsMs: readonly number[];
  /** A target clean this long (since its last mitigation ended) starts again at the first step. */
  resetMs: number;
}

export interface EscalationStep {
  /** 1 for a first offence, 2 for the second in a row, … */
  level: number;
  forMs: number;
  /** For people: "3rd offence in a row (previous ended 2h ago, reset 30d): 7d". */
  why: string;
}

const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
};

/** 90000000 → "1d", 3603000 → "1h", 5400000 → "1.5h": the largest unit, to a tenth. */
const human = (ms: number) => {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (ms >= size) return `${Math.round((ms / size) * 10) / 10}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
};

/**
 * How hard to come down on a repeat offender. Walks back from now through the target's earlier mitigations
 * (newest first): each counts while the gap between its end (lift, expiry, or still in force) and the next
 * offence is within the reset window; the first longer gap ends the run.
 */
export function escalationStep(
  previous: readonly PastOffence[],
  now: Date,
  policy: EscalationPolicy,
): EscalationStep {
  let next = now.getTime();
  let count = 0;
  let lastGap: number | null = null;
  for (const p of [...previous].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))) {
    const created = Date.parse(p.createdAt);
    if (created > next) continue;
    const end = Math.min(
      p.liftedAt !== null ? Date.parse(p.liftedAt) : Infinity,
      p.expiresAt !== null ? Date.parse(p.expiresAt) : Infinity,
      next,
    );
    const gap = Math.max(0, next - end);
    if (gap > policy.resetMs) break;
    if (lastGap === null) lastGap = gap;
    count++;
    next = created;
  }
  const level = count + 1;
  const steps = policy.stepsMs;
  const forMs = steps[Math.min(count, steps.length - 1)] as number;
  const why =
    count === 0
      ? `1st offence (none in the last ${human(policy.resetMs)}): ${human(forMs)}`
      : `${ordinal(level)} offence in a row (the previous one ended ${human(lastGap ?? 0)} ago, within the ${human(policy.resetMs)} reset): ${human(forMs)}`;
  return { level, forMs, why };
}
