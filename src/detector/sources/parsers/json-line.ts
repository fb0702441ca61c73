import type { FieldValue } from './normalize.js';

export type JsonObject = Record<string, unknown>;

/** One JSON object per line, or the reason it is not one. Never throws. */
export function parseJsonObject(line: string): JsonObject | string {
  const text = line.trimStart();
  if (!text.startsWith('{')) return 'not a JSON object';
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
    return value as JsonObject;
  } catch {
    return text.trimEnd().endsWith('}') ? 'malformed JSON' : 'truncated JSON';
  }
}

/** Follows "a.b.c" through nested objects; a key that itself holds dots is tried whole first. */
export function getPath(object: JsonObject, path: string): unknown {
  if (Object.hasOwn(object, path)) return object[path];
  let current: unknown = object;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as JsonObject)[key];
  }
  return current;
}

export function asObject(value: unknown): JsonObject | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** Scalar values as they may sit in RequestEvent.fields; long strings are cut, objects are left out. */
export function scalar(value: unknown): FieldValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.length > 1024 ? value.slice(0, 1024) : value;
  return undefined;
}
