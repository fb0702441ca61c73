import type { RequestEvent } from '../../domain/request-event.js';

/**
 * One trigger type: per-key state plus the condition over it. The rule runner owns the keys, the quiet period
 * and the signals; a trigger only counts and says whether its condition holds after each event.
 */
export interface Trigger<S = unknown> {
  readonly type: string;
  /** The bound the value is compared with (baseline's moves: see thresholdOf). */
  readonly threshold: number;
  readonly windowMs: number;
  /**
   * How long the condition may still hold after it last held without any new event: the window for counting
   * triggers (the events are still in it), the blackhole for a leaky bucket.
   */
  readonly holdMs: number;
  /** Cap on keys for this rule: the state per key decides how many fit in a sane amount of memory. */
  readonly maxKeys: number;
  create(time: number): S;
  /** Counts the event; returns the rule's value while the condition holds, else undefined. */
  observe(state: S, event: RequestEvent, time: number, firing: boolean): number | undefined;
  /** The threshold for this key right now, when it depends on the key (baseline). */
  thresholdOf?: (state: S) => number;
  /** Called when the runner forgets a key (evicted, not firing): a trigger with rule-wide budgets gives back its share. */
  dispose?: (state: S) => void;
  /** Absence only: the time at which this key's silence makes the condition hold. */
  silentAt?: (state: S) => number;
}

/** The default cap of keys per rule; triggers with heavier state per key use less (see each trigger). */
export const DEFAULT_MAX_KEYS = 20_000;

/** The runner holds triggers of every state type; each trigger only ever sees the state it created. */
export const anyTrigger = <S>(trigger: Trigger<S>): Trigger => trigger as unknown as Trigger;
