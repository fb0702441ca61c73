/**
 * A request's query string as events keep it: every parameter, with the value of any parameter whose name says
 * it holds a secret (token, key, signature, password, session …) replaced by "[redacted]", and cut at
 * MAX_QUERY_LENGTH. Shared by the gateway and the log parsers, so a rule sees the same query from both.
 */
export const MAX_QUERY_LENGTH = 4096;
export const REDACTED = '[redacted]';

// Names whose values are secrets or carry them (the same family the loggers and safe-fields leave out).
const SENSITIVE_NAME = /token|secret|passw|pwd|auth|cookie|signature|^sig$|api[_-]?key|^key$|session|credential|^code$/i;

/**
 * `query` without its "?"; null stays null, "" becomes null. A value equal to `secret` (the gateway's own token,
 * whatever the parameter is named) is redacted too.
 */
export function redactQuery(query: string | null, secret: string | null = null): string | null {
  if (query === null || query === '') return null;
  const text = query.length > MAX_QUERY_LENGTH ? query.slice(0, MAX_QUERY_LENGTH) : query;
  let out: string | null = null;
  let at = 0;
  // One pass over the '&'-separated pairs; the result is only rebuilt when a pair needs redacting.
  while (at <= text.length) {
    let end = text.indexOf('&', at);
    if (end < 0) end = text.length;
    const eq = text.indexOf('=', at);
    if (eq >= 0 && eq < end && eq > at) {
      const value = text.slice(eq + 1, end);
      if (value !== REDACTED && (SENSITIVE_NAME.test(nameOf(text.slice(at, eq))) || (secret !== null && value !== '' && value === secret))) {
        out = (out ?? text.slice(0, at)) + text.slice(at, eq + 1) + REDACTED + (end < text.length ? '&' : '');
        at = end + 1;
        continue;
      }
    }
    if (out !== null) out += text.slice(at, Math.min(end + 1, text.length));
    at = end + 1;
  }
  return out ?? text;
}

/** A parameter's name, percent-decoded when it can be ("%74oken" is still a token). */
function nameOf(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * A raw request line ("GET /a?b=1 HTTP/1.1") with its query redacted as redactQuery does; any other text is
 * returned as it is.
 */
export function redactRequestLine(request: string): string {
  const q = request.indexOf('?');
  if (q < 0) return request;
  const space = request.lastIndexOf(' ');
  const end = space > q && request.startsWith('HTTP/', space + 1) ? space : request.length;
  const query = redactQuery(request.slice(q + 1, end)) ?? '';
  return request.slice(0, q + 1) + query + request.slice(end);
}
