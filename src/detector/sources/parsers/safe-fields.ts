import { scalar } from './json-line.js';
import type { FieldValue } from './normalize.js';
import { stripQuery } from './normalize.js';

// Keys whose values are secrets or carry them: never copied into an event.
const SENSITIVE = /token|secret|passw|authori[sz]ation|cookie|signature|api[_-]?key|^key$|session/i;
// A value with a query string may carry ?token=…: keep what comes before it.
const HAS_QUERY = /\?[^\s]*=/;

/** Copies scalar values into event fields, leaving out secrets and query strings. */
export function copySafeFields(
  source: Record<string, unknown>,
  into: Record<string, FieldValue>,
  skip: ReadonlySet<string>,
  limit = 64,
): void {
  let count = 0;
  for (const key of Object.keys(source)) {
    if (count >= limit) break;
    if (skip.has(key) || SENSITIVE.test(key) || key.length > 64) continue;
    let value = scalar(source[key]);
    if (value === undefined) continue;
    if (typeof value === 'string' && HAS_QUERY.test(value)) value = stripQuery(value);
    into[key] = value;
    count++;
  }
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE.test(key);
}
