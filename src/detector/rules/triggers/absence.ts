import type { TriggerSpec } from '../../../playbook/index.js';
import type { Trigger } from '../trigger.js';

/** Every key is checked on each sweep (once a second), so absence rules keep fewer keys. */
export const ABSENCE_MAX_KEYS = 10_000;

type Spec = Extract<TriggerSpec, { type: 'absence' }>;

interface LastSeen {
  last: number;
}

/**
 * No matching event for a key for `for`. Events never make it fire; the runner checks silentAt on every tick
 * and before each event of the key, and fires at exactly last + for, so replay and live agree. The value is
 * the silence in ms. A rule without group_by starts its one key at the detector's first event.
 */
export function absenceTrigger(spec: Spec, maxKeys = ABSENCE_MAX_KEYS): Trigger<LastSeen> {
  return {
    type: 'absence',
    threshold: spec.for,
    windowMs: spec.for,
    holdMs: 0,
    maxKeys,
    create: (time) => ({ last: time }),
    observe(state, _event, time) {
      if (time > state.last) state.last = time;
      return undefined;
    },
    silentAt: (state) => state.last + spec.for,
  };
}
