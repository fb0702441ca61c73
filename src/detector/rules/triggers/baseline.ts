import type { TriggerSpec } from '../../../playbook/index.js';
import { BucketRing } from '../bucket-ring.js';
import { DEFAULT_MAX_KEYS } from '../trigger.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'baseline' }>;

interface Learned {
  current: BucketRing;
  firstSeen: number;
  /** Index of the fixed window being counted for the baseline, and its count. */
  windowIdx: number;
  windowCount: number;
  /** EWMA of per-window counts and its weight (1 - (1-α)^n), for a bias-free mean early on. */
  ewma: number;
  weight: number;
}

/**
 * The count over the sliding window is more than `factor` × the key's learned normal and at least `min_count`.
 * The normal is an exponentially weighted mean of the counts of past fixed windows, α = window / learn (so it
 * remembers about `learn`), bias-corrected so that a few windows already give a fair mean. Windows during
 * which the key was firing are not learned: an attack does not become the new normal.
 *
 * Cold start, two cases. A rule without group_by (one key for the whole service) does not fire until `learn`
 * has passed since its first event: a restart must not page on the service's ordinary error rate. A grouped key
 * seen for the first time has a normal of zero, so min_count is its floor: a network or token that appears from
 * nowhere at volume is exactly the anomaly the rule is for.
 */
export function baselineTrigger(spec: Spec, grouped: boolean, maxKeys = DEFAULT_MAX_KEYS): Trigger<Learned> {
  const alpha = Math.min(1, spec.window / spec.learn);
  const normal = (s: Learned) => (s.weight > 0 ? s.ewma / s.weight : 0);
  return {
    type: 'baseline',
    threshold: spec.min_count,
    windowMs: spec.window,
    holdMs: spec.window,
    maxKeys,
    create: (time) => ({
      current: BucketRing.forWindow(spec.window),
      firstSeen: time,
      windowIdx: Math.floor(time / spec.window),
      windowCount: 0,
      ewma: 0,
      weight: 0,
    }),
    observe(s, _event, time, firing) {
      const idx = Math.floor(time / spec.window);
      if (idx > s.windowIdx) {
        if (!firing) {
          // The finished window, then any empty ones skipped since (capped: after ~learn they weigh nothing).
          s.ewma = alpha * s.windowCount + (1 - alpha) * s.ewma;
          s.weight = alpha + (1 - alpha) * s.weight;
          const empty = Math.min(idx - s.windowIdx - 1, 1000);
          const decay = (1 - alpha) ** empty;
          s.ewma *= decay;
          s.weight = 1 - (1 - s.weight) * decay;
        }
        s.windowIdx = idx;
        s.windowCount = 0;
      }
      if (idx === s.windowIdx) s.windowCount++;
      s.current.add(time);
      const count = s.current.total(time);
      if (count < spec.min_count) return undefined;
      if (!grouped && time - s.firstSeen < spec.learn) return undefined;
      return count > spec.factor * normal(s) ? count : undefined;
    },
    thresholdOf: (s) => Math.max(spec.min_count, Math.round(spec.factor * normal(s) * 10) / 10),
  };
}
