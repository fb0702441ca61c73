import { z } from 'zod';

/**
 * The bounds every number of the API and the CLI is held to, so no input reaches a database column, a Date or
 * a timer it cannot hold (an unbounded `forMs` made an invalid expiry and a 500 on PostgreSQL). One place, so
 * the API, the CLI and the OpenAPI document state the same limits.
 */
/** The longest a mitigation may be applied for: a year (366 days). */
export const MAX_DURATION_MS = 366 * 86_400_000;
/** Ids of timeline entries and outbox messages: a PostgreSQL integer (SQLite's rowids are larger). */
export const MAX_ROW_ID = 2_147_483_647;
/** A signal's value or threshold, a limit override: far above any request count or ratio, exact as a double. */
export const MAX_MEASURE = 1e12;
/** The most rows one list call returns. */
export const MAX_LIST_LIMIT = 1000;

export const durationMs = (max = MAX_DURATION_MS) => z.number().int().positive().max(max);
export const rowId = () => z.coerce.number().int().positive().max(MAX_ROW_ID);
export const measure = () => z.number().finite().min(-MAX_MEASURE).max(MAX_MEASURE);

/**
 * A whole number from a command-line option, inside [min, max]; the message names the option and the limit.
 * Returns an error message instead of throwing so each command reports it its own way.
 */
export function parseBoundedInteger(
  text: string,
  name: string,
  min: number,
  max: number,
): { value: number } | { error: string } {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    return { error: `${name}: expected a whole number from ${min} to ${max}, got "${text}"` };
  return { value };
}
