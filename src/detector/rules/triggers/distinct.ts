import type { TriggerSpec } from '../../../playbook/index.js';
import { detach } from '../event-fields.js';
import type { FieldGetter } from '../event-fields.js';
import { DEFAULT_MAX_KEYS } from '../trigger.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'distinct' }>;

/** Values kept per key: twice the count, so the value can show "far over", never unbounded. */
export const distinctCap = (count: number): number => Math.max(16, count * 2);

/** Whole-rule budget of remembered values; the key cap is derived from it. */
export const DISTINCT_VALUE_BUDGET = 1_000_000;

interface Seen {
  /** value → last seen, in order of last sighting (oldest first). */
  values: Map<string, number>;
  /** A lower bound on the oldest last-seen time: no pruning pass is needed while it is inside the window. */
  oldest: number;
}

/**
 * At least `count` distinct values of `field` for a key within the window (one /24 trying many tokens, one
 * token from many IPs). Per key a Map value → last seen, oldest first; it keeps at most distinctCap(count)
 * values (the most recent ones, which is all the condition needs), so the value saturates at that cap.
 * A known value's sighting is refreshed at most once per window/16, so it may leave the window that much early.
 */
export function distinctTrigger(spec: Spec, field: FieldGetter, maxKeys = DEFAULT_MAX_KEYS): Trigger<Seen> {
  const cap = distinctCap(spec.count);
  const refresh = spec.window / 16;
  return {
    type: 'distinct',
    threshold: spec.count,
    windowMs: spec.window,
    holdMs: spec.window,
    maxKeys: Math.min(maxKeys, Math.floor(DISTINCT_VALUE_BUDGET / cap)),
    create: () => ({ values: new Map<string, number>(), oldest: Infinity }),
    observe(seen, event, time) {
      const values = seen.values;
      const value = field(event);
      if (value !== null) {
        const previous = values.get(value);
        // A known value's sighting is re-recorded at most once per 1/16 window: far less Map churn, and the
        // value can only leave the window up to that much early (an undercount, never a false alarm).
        if (previous === undefined || previous < time - refresh) {
          if (previous !== undefined) values.delete(value);
          values.set(detach(value), time);
          if (time < seen.oldest) seen.oldest = time;
        }
        if (values.size > cap) {
          const first = values.keys().next();
          if (first.done !== true) values.delete(first.value);
        }
      }
      const from = time - spec.window;
      if (seen.oldest <= from) {
        seen.oldest = Infinity;
        for (const [key, at] of values) {
          if (at > from) {
            seen.oldest = at;
            break;
          }
          values.delete(key);
        }
      }
      return values.size >= spec.count ? values.size : undefined;
    },
  };
}
