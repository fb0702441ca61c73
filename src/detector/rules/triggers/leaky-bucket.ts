import type { TriggerSpec } from '../../../playbook/index.js';
import { DEFAULT_MAX_KEYS } from '../trigger.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'leaky_bucket' }>;

interface Bucket {
  level: number;
  last: number;
}

/**
 * Each event pours one unit into the key's bucket, which leaks at `leak_per_second`; the event that finds it
 * full (capacity + 1 in a burst) overflows and is spilled, so the level never exceeds the capacity. After an
 * overflow the condition holds for the `blackhole` (the rule stays firing that long even if the key goes quiet).
 */
export function leakyBucketTrigger(spec: Spec, maxKeys = DEFAULT_MAX_KEYS): Trigger<Bucket> {
  const leakPerMs = spec.leak_per_second / 1000;
  return {
    type: 'leaky_bucket',
    threshold: spec.capacity,
    windowMs: Math.round((spec.capacity / spec.leak_per_second) * 1000),
    holdMs: spec.blackhole ?? 0,
    maxKeys,
    create: (time) => ({ level: 0, last: time }),
    observe(bucket, _event, time) {
      if (time > bucket.last) {
        bucket.level = Math.max(0, bucket.level - (time - bucket.last) * leakPerMs);
        bucket.last = time;
      }
      if (bucket.level + 1 > spec.capacity) {
        bucket.level = spec.capacity;
        return spec.capacity + 1;
      }
      bucket.level += 1;
      return undefined;
    },
  };
}
