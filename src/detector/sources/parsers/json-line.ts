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

/**
 * Whether the key at `path` ("request.remote_ip") occurs more than once in the JSON text, in the same object:
 * JSON.parse keeps the last of duplicate keys (and folds "\u0069p" into "ip"), so an app that merged a client's
 * fields into its record, or a log format that does not escape, could hand over a client's value under the
 * name of the one the server wrote. Cheap unless the text repeats the key's name or holds a \u escape.
 */
export function repeatedKey(text: string, path: string): boolean {
  const target = path.split('.');
  const last = `"${target[target.length - 1] ?? ''}"`;
  const first = text.indexOf(last);
  if (!text.includes('\\u') && (first < 0 || text.indexOf(last, first + last.length) < 0)) return false;
  const want = target.join('\u0000');
  const keys: string[] = [];
  const inObject: boolean[] = [];
  let pending = '';
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j++;
        } else if (d === 34) break;
      }
      let k = j + 1;
      while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
      if (inObject[inObject.length - 1] === true && text.charCodeAt(k) === 58 /* : */) {
        let key = text.slice(i + 1, j);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(i, j + 1)) as string;
          } catch {
            return true;
          }
        }
        pending = key;
        if (keys.length === target.length && [...keys.slice(1), key].join('\u0000') === want) count++;
        if (count > 1) return true;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      keys.push(inObject[inObject.length - 1] === true ? pending : '[]');
      inObject.push(c === 123);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      inObject.pop();
    }
  }
  return false;
}
