import type { TriggerSpec } from '../../../playbook/index.js';
import { detach } from '../event-fields.js';
import type { FieldGetter } from '../event-fields.js';
import { DEFAULT_MAX_KEYS } from '../trigger.js';
import type { Trigger } from '../trigger.js';

type Spec = Extract<TriggerSpec, { type: 'distinct' }>;

/** Values kept per key: twice the count, so the value can show "far over", never unbounded. */
export const distinctCap = (count: number): number => Math.max(16, count * 2);

/**
 * Whole-rule budget of remembered values. Most keys hold a few values (an address's one or two user agents), so
 * keys are capped as if each held at most TYPICAL_VALUES (or 2 × count, if fewer); the budget itself is kept by counting every value the
 * rule remembers: past it, a key that sees a new value first forgets its own oldest (an undercount for that key,
 * never a false alarm), so memory stays near budget + keys whatever the traffic.
 */
export const DISTINCT_VALUE_BUDGET = 250_000;
const TYPICAL_VALUES = 48;

interface Sighting {
  /** The map key itself: a detached copy of a short value, the hash of a long one (see valueKey). */
  value: string | number;
  at: number;
  older: Sighting | null;
  newer: Sighting | null;
}

interface Seen {
  /** Forgotten by the runner: its values no longer count toward the budget. */
  disposed: boolean;
  /** Values remembered. */
  size: number;
  /**
   * value (or its hash) → its last sighting, made once the key holds more than SMALL values: most keys (a guest's
   * address, a token's /24) hold one to three, found by walking the list, with no Map per key.
   */
  values: Map<string | number, Sighting> | null;
  /** The sightings in order of last sighting, oldest first: a refresh relinks, it does not touch the Map. */
  oldest: Sighting | null;
  newest: Sighting | null;
}

/** Up to this many values a key's sightings are searched in its list; past it, a Map is made. */
const SMALL = 8;

function find(seen: Seen, value: string | number): Sighting | undefined {
  if (seen.values !== null) return seen.values.get(value);
  for (let s = seen.newest; s !== null; s = s.older) if (s.value === value) return s;
  return undefined;
}

function remember(seen: Seen, s: Sighting): void {
  append(seen, s);
  seen.size++;
  if (seen.values !== null) seen.values.set(s.value, s);
  else if (seen.size > SMALL) {
    const values = new Map<string | number, Sighting>();
    for (let at = seen.oldest; at !== null; at = at.newer) values.set(at.value, at);
    seen.values = values;
  }
}

/** Forgets the oldest sighting. */
function forgetOldest(seen: Seen): void {
  const first = seen.oldest as Sighting;
  unlink(seen, first);
  seen.size--;
  seen.values?.delete(first.value);
}

function unlink(seen: Seen, s: Sighting): void {
  if (s.older === null) seen.oldest = s.newer;
  else s.older.newer = s.newer;
  if (s.newer === null) seen.newest = s.older;
  else s.newer.older = s.older;
  s.older = null;
  s.newer = null;
}

function append(seen: Seen, s: Sighting): void {
  s.older = seen.newest;
  if (seen.newest === null) seen.oldest = s;
  else seen.newest.newer = s;
  seen.newest = s;
}

/**
 * At least `count` distinct values of `field` for a key within the window (one /24 trying many tokens, one
 * token from many IPs). Per key a Map value → last sighting plus a list of the sightings oldest first; it keeps
 * at most distinctCap(count) values (the most recent ones, which is all the condition needs), so the value
 * saturates at that cap. A known value's sighting is refreshed at most once per window/16, so it may leave
 * the window that much early.
 */
/** Values longer than this (user agents, referers) are counted by a 32-bit hash, not kept. */
const LONG_VALUE = 40;

/**
 * What a value is remembered as. A long value is hashed (FNV-1a over its UTF-16 units): no copy of it is kept
 * and the per-key Map is keyed by a number. Two different values with one hash count once: an undercount,
 * never a false alarm, and with at most a few hundred values per key, about one in ten million keys.
 */
function valueKey(value: string): string | number {
  if (value.length <= LONG_VALUE) return detach(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Long values whose hash a trigger remembers; past it the memo starts over (a flood of random user agents). */
const LONG_MEMO_SIZE = 4096;

/**
 * `keep` makes the copy a sighting keeps of a short value: detach by default; for a field whose values are
 * strings of their own (event-fields.ts, keeper) the value itself, so a repeated value is found by a pointer
 * compare in the key's list.
 */
export function distinctTrigger(
  spec: Spec,
  field: FieldGetter,
  maxKeys = DEFAULT_MAX_KEYS,
  keep: (value: string) => string = detach,
): Trigger<Seen> {
  const cap = distinctCap(spec.count);
  const refresh = spec.window / 16;
  // A user agent repeats line after line: its hash is looked up (V8 has usually hashed the string already, for a
  // user-agent filter's memo) rather than computed over its hundred-odd characters for every event.
  let longMemo = new Map<string, number>();
  /** Values remembered by this rule's live keys. */
  let remembered = 0;
  const longKey = (text: string): number => {
    let hash = longMemo.get(text);
    if (hash === undefined) {
      hash = valueKey(text) as number;
      if (longMemo.size >= LONG_MEMO_SIZE) longMemo = new Map();
      longMemo.set(detach(text), hash);
    }
    return hash;
  };
  return {
    type: 'distinct',
    threshold: spec.count,
    windowMs: spec.window,
    holdMs: spec.window,
    maxKeys: Math.min(maxKeys, Math.floor(DISTINCT_VALUE_BUDGET / Math.min(cap, TYPICAL_VALUES))),
    create: () => ({ disposed: false, size: 0, values: null, oldest: null, newest: null }),
    dispose(seen) {
      if (seen.disposed) return;
      seen.disposed = true;
      remembered -= seen.size;
    },
    observe(seen, event, time) {
      if (seen.disposed) {
        // Taken back by the runner after it was forgotten (a firing key): it counts again.
        seen.disposed = false;
        remembered += seen.size;
      }
      const text = field(event);
      // A late event (delivered after newer ones) whose time has already left the key's window adds nothing: kept,
      // it would sit at the newest end of the list and be counted past its time.
      if (text !== null && (seen.newest === null || time > seen.newest.at - spec.window)) {
        const value = text.length > LONG_VALUE ? longKey(text) : text;
        const previous = find(seen, value);
        // A known value's sighting is re-recorded at most once per 1/16 window, and the value can only leave
        // the window up to that much early (an undercount, never a false alarm).
        if (previous === undefined) {
          if (remembered >= DISTINCT_VALUE_BUDGET && seen.oldest !== null) {
            forgetOldest(seen);
            remembered--;
          }
          const copy = typeof value === 'number' ? value : keep(value);
          remember(seen, { value: copy, at: time, older: null, newer: null });
          remembered++;
        } else if (previous.at < time - refresh) {
          unlink(seen, previous);
          previous.at = time;
          append(seen, previous);
        }
        if (seen.size > cap) {
          forgetOldest(seen);
          remembered--;
        }
      }
      const from = time - spec.window;
      while (seen.oldest !== null && seen.oldest.at <= from) {
        forgetOldest(seen);
        remembered--;
      }
      return seen.size >= spec.count ? seen.size : undefined;
    },
  };
}
