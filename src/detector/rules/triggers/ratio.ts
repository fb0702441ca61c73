import type { RequestEvent } from '../../../domain/request-event.js';
import type { TriggerSpec } from '../../../playbook/index.js';
import { BucketRing } from '../bucket-ring.js';
import { DEFAULT_MAX_KEYS } from '../trigger.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'ratio' }>;

interface Counts {
  all: BucketRing;
  errors: BucketRing;
}

/**
 * Errors over all matching requests within the window is above `share` (strictly: "> 50 %"), once at least
 * `min_requests` requests were seen in it, so three requests with two errors at night page nobody.
 * The value is the share, rounded to 0.001.
 */
export function ratioTrigger(
  spec: Spec,
  isError: (event: RequestEvent) => boolean,
  maxKeys = DEFAULT_MAX_KEYS,
): Trigger<Counts> {
  return {
    type: 'ratio',
    threshold: spec.share,
    windowMs: spec.window,
    holdMs: spec.window,
    maxKeys,
    create: () => ({ all: BucketRing.forWindow(spec.window), errors: BucketRing.forWindow(spec.window) }),
    observe(counts, event, time) {
      counts.all.add(time);
      if (isError(event)) counts.errors.add(time);
      const all = counts.all.total(time);
      if (all < spec.min_requests) return undefined;
      const share = counts.errors.total(time) / all;
      return share > spec.share ? Math.round(share * 1000) / 1000 : undefined;
    },
  };
}
