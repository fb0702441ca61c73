import { isUtf8 } from 'node:buffer';

/**
 * The one path every decision is made on. An app decodes and normalises the path before it routes, so a guard
 * that matched the raw text could be walked around (`/api/v1/%67allery/…`, `//api/v1/gallery/…`,
 * `/x/../gallery/…`). The canonical form is what such an app routes on, written so it can be forwarded as is:
 *
 * - percent-encoded unreserved characters (RFC 3986 §2.3: letters, digits, `-._~`) are decoded; every other
 *   escape is kept, its hex in upper case (RFC 3986 §6.2.2.1);
 * - dot segments are removed (RFC 3986 §5.2.4), encoded dots included, never above the root;
 * - repeated slashes are merged (most servers and frameworks do), a trailing slash is kept;
 * - raw bytes above 0x7E are percent-encoded.
 *
 * Forms an app could read as something else than we do are refused, never guessed at: an encoded `/` or `\`
 * (one app splits on it, another does not), a raw `\` (some servers read it as `/`), NUL or another control
 * character, raw or encoded, a `%` not followed by two hex digits, and bytes that are not UTF-8.
 */
export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: CanonicalPathRefusal };

export type CanonicalPathRefusal =
  | 'not-origin-form'
  | 'bad-percent-encoding'
  | 'encoded-separator'
  | 'control-character'
  | 'backslash'
  | 'invalid-utf8';

const HEX = '0123456789ABCDEF';

/** The path part of a request target (no query) → its canonical form, or why it is refused. */
export function canonicalPath(raw: string): CanonicalPath {
  if (raw.charCodeAt(0) !== 47) return { ok: false, reason: 'not-origin-form' };
  if (isPlain(raw)) return { ok: true, path: raw };
  const segments: string[] = [];
  let segment = '';
  // High bytes (encoded or raw) not yet checked as UTF-8: a run of them must be whole UTF-8 sequences.
  let pending: number[] | null = null;
  const flush = (): boolean => {
    if (pending === null) return true;
    const ok = isUtf8(Uint8Array.from(pending));
    pending = null;
    return ok;
  };
  for (let i = 1; i <= raw.length; i++) {
    const c = i === raw.length ? 47 : raw.charCodeAt(i);
    if (c === 47) {
      if (!flush()) return { ok: false, reason: 'invalid-utf8' };
      if (i === raw.length) {
        // The last segment: "." or ".." end as a directory ("/a/.." → "/"), like RFC 3986 §5.2.4.
        if (segment === '.' || segment === '..') {
          if (segment === '..') segments.pop();
          segments.push('');
        } else segments.push(segment);
      } else if (segment === '..') segments.pop();
      else if (segment !== '.' && segment !== '') segments.push(segment);
      segment = '';
      continue;
    }
    if (c === 37) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return { ok: false, reason: 'bad-percent-encoding' };
      const byte = hi * 16 + lo;
      i += 2;
      if (byte === 47 || byte === 92) return { ok: false, reason: 'encoded-separator' };
      if (byte < 32 || byte === 127) return { ok: false, reason: 'control-character' };
      if (byte >= 128) {
        (pending ??= []).push(byte);
        segment += `%${HEX[hi]}${HEX[lo]}`;
        continue;
      }
      if (!flush()) return { ok: false, reason: 'invalid-utf8' };
      segment += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[hi]}${HEX[lo]}`;
      continue;
    }
    if (c === 92) return { ok: false, reason: 'backslash' };
    if (c < 32 || c === 127) return { ok: false, reason: 'control-character' };
    if (c > 126) {
      // node:http hands a request target's raw bytes over as latin1 characters.
      if (c > 255) return { ok: false, reason: 'invalid-utf8' };
      (pending ??= []).push(c);
      segment += `%${HEX[c >> 4]}${HEX[c & 15]}`;
      continue;
    }
    if (!flush()) return { ok: false, reason: 'invalid-utf8' };
    segment += raw[i];
  }
  return { ok: true, path: `/${segments.join('/')}` };
}

const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;

/**
 * Most paths need no work: no escape, no dot segment, no empty segment, nothing outside printable ASCII. A few
 * native scans answer that, so the common request pays no allocation ("/.well-known" takes the long way, rightly).
 */
function isPlain(raw: string): boolean {
  return raw.indexOf('%') === -1 && raw.indexOf('//') === -1 && raw.indexOf('/.') === -1 && raw.indexOf('\\') === -1
    && !NOT_PRINTABLE_ASCII.test(raw);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function isUnreserved(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95
    || c === 126;
}
