/**
 * Text from log lines and client requests (user agents, paths, queries, hosts, log messages) in a form that
 * cannot act on whoever reads it. A hostile client can put ANSI escapes (ESC [ … m) into a header to recolour or
 * erase a responder's terminal, CR/LF to forge a second line in a Slack message or a table, NUL that PostgreSQL
 * refuses, or bidi overrides (U+202E) that make "gpj.exe" read as "exe.jpg". Every such character becomes a
 * visible escape instead: `\x1b`, `\n`, `\u202e`; everything else, accented letters and emoji with their
 * joiners included, stays as it was.
 *
 * The escape is deterministic and injective: a backslash is written `\\`, so every `\` in the output starts an
 * escape and no two different inputs give the same output (the same value always makes the same group key and
 * fingerprint, two different values never one). The API refuses such characters outright
 * (storable-text.ts); text the detector reads off a log cannot be refused, so it is made visible.
 */
const HIDDEN_SOURCE =
  // C0 controls (tab, CR and LF included), DEL and the C1 controls (U+0085 NEL is a line break to some readers).
  '[\\u0000-\\u001f\\u007f-\\u009f' +
  // The bidi marks and embeddings/overrides/isolates, zero-width space, line and paragraph separators, word
  // joiner and invisible operators, byte order mark, interlinear annotations. ZWNJ and ZWJ (U+200C/D) stay:
  // scripts and emoji sequences need them and they reorder nothing.
  '\\u061c\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff\\ufff9-\\ufffb' +
  // The escape character itself, so the escape stays injective.
  '\\\\]' +
  // A UTF-16 half without its other half (a value cut mid-character, or a hostile one): not storable as UTF-8.
  '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

const HIDDEN = new RegExp(HIDDEN_SOURCE);
const HIDDEN_ALL = new RegExp(HIDDEN_SOURCE, 'g');

const SHORT: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOf(char: string): string {
  const short = SHORT[char];
  if (short !== undefined) return short;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when `text` holds nothing visibleText would change. */
export function isVisibleText(text: string): boolean {
  return !HIDDEN.test(text);
}

/**
 * `text` with every control, bidi, separator and invisible formatting character (and `\`) written as a
 * visible escape. With `max`, the result is at most `max` UTF-16 units, cut before an escape or a surrogate
 * pair rather than through it, so a cut key is still a prefix of the full escape.
 */
export function visibleText(text: string, max = Infinity): string {
  if (text.length <= max && !HIDDEN.test(text)) return text;
  let out = '';
  let from = 0;
  HIDDEN_ALL.lastIndex = 0;
  for (let found = HIDDEN_ALL.exec(text); ; found = HIDDEN_ALL.exec(text)) {
    const end = found === null ? text.length : found.index;
    const plain = text.slice(from, end);
    if (out.length + plain.length > max) return out + cutPlain(plain, max - out.length);
    out += plain;
    if (found === null) return out;
    const escaped = escapeOf(found[0]);
    if (out.length + escaped.length > max) return out;
    out += escaped;
    from = end + found[0].length;
  }
}

/** The first `room` units of text without escapes, one fewer when that would split a surrogate pair. */
function cutPlain(plain: string, room: number): string {
  const last = plain.charCodeAt(room - 1);
  return plain.slice(0, last >= 0xd800 && last <= 0xdbff ? room - 1 : room);
}

/**
 * Text already made visible (or built of such parts and plain text), cut to at most `max` UTF-16 units before
 * an escape or a surrogate pair rather than through it.
 */
export function cutVisible(text: string, max: number): string {
  if (text.length <= max) return text;
  let at = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    const next = text.charCodeAt(at + 1);
    const size =
      code === 0x5c
        ? next === 0x78 /* x */
          ? 4
          : next === 0x75 /* u */
            ? 6
            : 2
        : code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff
          ? 2
          : 1;
    if (at + size > max) break;
    at += size;
  }
  return text.slice(0, at);
}

/** An object's string values (one level deep, and strings in arrays) through visibleText. */
export function visibleFields(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[visibleText(key)] =
      typeof value === 'string'
        ? visibleText(value)
        : Array.isArray(value)
          ? value.map((v: unknown) => (typeof v === 'string' ? visibleText(v) : v))
          : value;
  }
  return out;
}
