import type { TriggerSpec } from '../../../playbook/index.js';
import { BucketRing } from '../bucket-ring.js';
import { DEFAULT_MAX_KEYS } from '../trigger.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'threshold' }>;

/** At least `count` events for a key within a sliding `window`. */
export function thresholdTrigger(spec: Spec, maxKeys = DEFAULT_MAX_KEYS): Trigger<BucketRing> {
  return {
    type: 'threshold',
    threshold: spec.count,
    windowMs: spec.window,
    holdMs: spec.window,
    maxKeys,
    create: () => BucketRing.forWindow(spec.window),
    observe(ring, _event, time) {
      ring.add(time);
      const count = ring.total(time);
      return count >= spec.count ? count : undefined;
    },
  };
}
