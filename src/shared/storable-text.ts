/**
 * Text that every store can keep as it was given. PostgreSQL refuses U+0000 in text and jsonb (a 500), SQLite
 * keeps it but C-string readers cut the value there (a truncated title), a lone UTF-16 surrogate becomes U+FFFD
 * on the way to UTF-8, and the other C0 controls and DEL are never part of a title, a note or a name. Tab, line
 * feed and carriage return are ordinary text.
 */
const UNSTORABLE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any input we accept; a body nested beyond it is refused rather than walked without end. */
const MAX_DEPTH = 32;

export interface UnstorableText {
  /** Dotted path of the offending string (or object key) below `root`. */
  path: string;
  message: string;
}

function describe(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  if (!found) return undefined;
  const code = found[0].codePointAt(0) ?? 0;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0xd800 && code <= 0xdfff
    ? `contains an unpaired surrogate (${name}) that cannot be stored`
    : `contains a control character (${name}) that cannot be stored`;
}

/** The first string (value or key) in `value` that cannot be stored as given, with where it is. */
export function findUnstorableText(value: unknown, root: string): UnstorableText | undefined {
  const walk = (v: unknown, path: string, depth: number): UnstorableText | undefined => {
    if (typeof v === 'string') {
      const message = describe(v);
      return message ? { path, message } : undefined;
    }
    if (v === null || typeof v !== 'object') return undefined;
    if (depth > MAX_DEPTH) return { path, message: `is nested deeper than ${MAX_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = walk(v[i], `${path}.${i}`, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    for (const [key, child] of Object.entries(v)) {
      const keyProblem = describe(key);
      if (keyProblem)
        return { path: `${path}.${JSON.stringify(key).slice(1, -1)}`, message: `its key ${keyProblem}` };
      const found = walk(child, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(value, root, 0);
}
