import type { TriggerSpec } from '../../../playbook/index.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'latency' }>;

/** Durations kept per key: the most recent ones within the window. */
export const LATENCY_SAMPLES = 512;
/** 8 KiB of samples per key, so latency rules keep fewer keys than counting ones. */
export const LATENCY_MAX_KEYS = 2_000;
/** While the condition holds, the percentile itself is recomputed at most this often per key (event time). */
export const LATENCY_EVERY_MS = 1_000;

interface Reservoir {
  times: Float64Array;
  durations: Float64Array;
  /** Ring of the samples in the window: oldest at `tail`, `n` of them. */
  tail: number;
  n: number;
  /** How many of the n samples are above the bound. */
  slow: number;
  evaluatedAt: number;
  value: number;
  /** The newest sample's time. */
  newest: number;
  /** A sample older than the newest was added (a late event): the ring is no longer in time order. */
  unordered: boolean;
}

const scratch = new Float64Array(LATENCY_SAMPLES);
const scratchTimes = new Float64Array(LATENCY_SAMPLES);

/**
 * The samples of a ring that a late event put out of time order, rewritten in time order from slot 0 without
 * those at or before `from`, so the tail is the oldest again and leaves the window first. Rare: only after a
 * late event.
 */
function keepInWindow(r: Reservoir, from: number, above: number): void {
  const order: number[] = [];
  for (let k = 0; k < r.n; k++) {
    const i = (r.tail + k) % LATENCY_SAMPLES;
    if ((r.times[i] as number) > from) order.push(i);
  }
  order.sort((a, b) => (r.times[a] as number) - (r.times[b] as number) || a - b);
  for (let k = 0; k < order.length; k++) {
    scratchTimes[k] = r.times[order[k] as number] as number;
    scratch[k] = r.durations[order[k] as number] as number;
  }
  r.times.set(scratchTimes.subarray(0, order.length));
  r.durations.set(scratch.subarray(0, order.length));
  r.tail = 0;
  r.n = order.length;
  r.slow = 0;
  for (let k = 0; k < r.n; k++) if ((r.durations[k] as number) > above) r.slow++;
  r.unordered = false;
}

/**
 * The `percentile` of request durations within the window is above `above` ms, over at least `min_requests`
 * durations. It works on the last 512 durations of the key (a recency sample when the window holds more).
 * The condition costs O(1) per event: the percentile is above the bound exactly when at least n - rank samples
 * are, and the count of slow samples is kept as samples enter and leave. Only while it holds is the percentile
 * itself computed (a sort of at most 512 numbers), at most once a second.
 */
export function latencyTrigger(spec: Spec, maxKeys = LATENCY_MAX_KEYS): Trigger<Reservoir> {
  const rank = (n: number) => Math.max(0, Math.ceil((spec.percentile / 100) * n) - 1);
  const drop = (r: Reservoir) => {
    if ((r.durations[r.tail] as number) > spec.above) r.slow--;
    r.tail = (r.tail + 1) % LATENCY_SAMPLES;
    r.n--;
  };
  const percentile = (r: Reservoir): number => {
    for (let k = 0; k < r.n; k++) scratch[k] = r.durations[(r.tail + k) % LATENCY_SAMPLES] as number;
    const sorted = scratch.subarray(0, r.n).sort();
    return Math.round((sorted[rank(r.n)] as number) * 1000) / 1000;
  };
  return {
    type: 'latency',
    threshold: spec.above,
    windowMs: spec.window,
    holdMs: spec.window,
    maxKeys,
    create: () => ({
      times: new Float64Array(LATENCY_SAMPLES),
      durations: new Float64Array(LATENCY_SAMPLES),
      tail: 0,
      n: 0,
      slow: 0,
      evaluatedAt: -Infinity,
      value: 0,
      newest: -Infinity,
      unordered: false,
    }),
    observe(r, event, time) {
      // The window ends at the newest time seen: a late event (delivered after newer ones) is judged with them.
      const late = time < r.newest;
      const now = late ? r.newest : time;
      r.newest = now;
      const from = now - spec.window;
      if (r.unordered) keepInWindow(r, from, spec.above);
      while (r.n > 0 && (r.times[r.tail] as number) <= from) drop(r);
      const duration = event.durationMs;
      if (duration !== null && Number.isFinite(duration) && time > from) {
        if (r.n === LATENCY_SAMPLES) drop(r);
        if (late) r.unordered = true;
        const at = (r.tail + r.n) % LATENCY_SAMPLES;
        r.times[at] = time;
        r.durations[at] = duration;
        r.n++;
        if (duration > spec.above) r.slow++;
      }
      if (r.n < spec.min_requests || r.slow < r.n - rank(r.n)) return undefined;
      if (now - r.evaluatedAt >= LATENCY_EVERY_MS) {
        r.evaluatedAt = now;
        r.value = percentile(r);
      }
      return r.value;
    },
  };
}
