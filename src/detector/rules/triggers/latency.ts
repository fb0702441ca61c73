import type { TriggerSpec } from '../../../playbook/index.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'latency' }>;

/** Durations kept per key: the most recent ones within the window. */
export const LATENCY_SAMPLES = 512;
/** 8 KiB of samples per key, so latency rules keep fewer keys than counting ones. */
export const LATENCY_MAX_KEYS = 2_000;
/** The percentile is recomputed at most this often per key (of event time): sorting on every event is waste. */
export const LATENCY_EVERY_MS = 1_000;

interface Reservoir {
  times: Float64Array;
  durations: Float64Array;
  next: number;
  filled: number;
  evaluatedAt: number;
  value: number | undefined;
}

const scratch = new Float64Array(LATENCY_SAMPLES);

/**
 * The `percentile` of request durations within the window is above `above` ms, over at least `min_requests`
 * durations. It works on the last 512 durations of the key (a recency sample when the window holds more) and
 * re-evaluates at most once a second of event time; between evaluations the last verdict stands.
 */
export function latencyTrigger(spec: Spec, maxKeys = LATENCY_MAX_KEYS): Trigger<Reservoir> {
  const evaluate = (r: Reservoir, time: number): number | undefined => {
    const from = time - spec.window;
    let n = 0;
    for (let i = 0; i < r.filled; i++) if ((r.times[i] as number) > from) scratch[n++] = r.durations[i] as number;
    if (n < spec.min_requests) return undefined;
    const sorted = scratch.subarray(0, n).sort();
    const value = sorted[Math.max(0, Math.ceil((spec.percentile / 100) * n) - 1)] as number;
    return value > spec.above ? Math.round(value * 1000) / 1000 : undefined;
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
      next: 0,
      filled: 0,
      evaluatedAt: -Infinity,
      value: undefined,
    }),
    observe(r, event, time) {
      if (event.durationMs !== null && Number.isFinite(event.durationMs)) {
        r.times[r.next] = time;
        r.durations[r.next] = event.durationMs;
        r.next = (r.next + 1) % LATENCY_SAMPLES;
        if (r.filled < LATENCY_SAMPLES) r.filled++;
      }
      if (time - r.evaluatedAt >= LATENCY_EVERY_MS) {
        r.evaluatedAt = time;
        r.value = evaluate(r, time);
      }
      return r.value;
    },
  };
}
