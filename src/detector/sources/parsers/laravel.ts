import type { Decision } from '../../../domain/request-event.js';
import { asObject } from './json-line.js';
import type { JsonObject } from './json-line.js';
import { buildEvent, fail, precheck, toStatus, toText } from './normalize.js';
import type { FieldValue } from './normalize.js';
import { copySafeFields } from './safe-fields.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import { parseIsoTime } from './time.js';
import type { WallClock } from './zone.js';

/*
 * Monolog's LineFormatter as Laravel configures it: "[%datetime%] %channel%.%level_name%: %message% %context%
 * %extra%", datetime "Y-m-d H:i:s" (Laravel) or "Y-m-d\TH:i:s.uP" (Monolog's default), context and extra as
 * JSON or "[]" when empty.
 */
const HEAD =
  /^\[(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\] (\S+?)\.(DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT|EMERGENCY): ?(.*)$/;

const CONTEXT_KEYS = new Set([
  'ip', 'client_ip', 'ip_address', 'token', 'token_preview', 'join_token', 'event', 'event_id', 'event_slug',
  'tenant', 'tenant_id', 'route', 'path', 'uri', 'url', 'method', 'status', 'user_id', 'reason', 'exception',
]);

/** The Laravel app log: one event per log record; stack-trace lines are skipped as continuations. */
export function laravelParser(maxLineLength?: number, clock?: WallClock): LineParser {
  return {
    format: 'laravel',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const text = checked.line;
      if (!text.startsWith('[') || text.startsWith('[stacktrace]') || text.startsWith('[previous exception]')) {
        return fail('continuation');
      }
      const m = HEAD.exec(text);
      if (!m) return fail('not a Laravel log line');
      const time = parseIsoTime(m[1] ?? '', clock);
      if (time === null) return fail('bad time');
      const { message, context, address } = splitRecord(m[4] ?? '');
      const ctxText = (key: string): string | null => (context ? toText(context[key]) : null);
      const addressText = (key: string): string | null => (address ? toText(address[key]) : null);

      const reason = ctxText('reason');
      let decision: Decision | null = null;
      let status = toStatus(context?.status);
      const says = (word: string): boolean => reason === word || message === word || message.includes(word);
      if (says('token_rate_limited')) {
        decision = 'rate-limited';
        status ??= 429;
      } else if (says('invalid_token')) {
        decision = 'invalid';
        status ??= 401;
      } else if (message.startsWith('Join token access denied')) {
        // Revoked, expired or otherwise refused: the token exists but may not be used.
        decision = 'invalid';
        status ??= 403;
      }

      const fields: Record<string, FieldValue> = { channel: m[2] ?? '' };
      if (reason !== null) fields.reason = reason;
      if (context) copySafeFields(context, fields, CONTEXT_KEYS);
      return buildEvent(
        {
          time,
          method: ctxText('method'),
          uri: ctxText('path') ?? ctxText('uri') ?? urlPath(ctxText('url')),
          status,
          ip: addressText('ip') ?? addressText('client_ip') ?? addressText('ip_address'),
          token: ctxText('token') ?? ctxText('token_preview') ?? ctxText('join_token'),
          event: ctxText('event_id') ?? ctxText('event') ?? ctxText('event_slug'),
          tenant: ctxText('tenant_id') ?? ctxText('tenant'),
          subject: ctxText('user_id'),
          route: ctxText('route'),
          level: m[3] ?? null,
          message,
          decision: decision ?? (status !== null ? null : 'allowed'),
          rule: decision !== null ? `laravel:${reason ?? decision}` : null,
          fields,
        },
        ctx,
      );
    },
  };
}

/**
 * Splits "message {context} {extra}" from the right; a message may itself hold braces. Laravel's formatter
 * leaves out an empty context and extra (ignoreEmptyContextAndExtra), so a line ends in one JSON object, two,
 * or "[]"s, and the message, which may hold a client's text, may end in JSON that looks like a context. The
 * record's own object is the last one on the line (the one before a trailing "[]"): the client address is read
 * from it alone, whatever the message holds. Other keys are read from both objects, the last one winning.
 */
function splitRecord(rest: string): { message: string; context: JsonObject | null; address: JsonObject | null } {
  const last = trailingJson(rest);
  if (last === null) return { message: rest.trimEnd(), context: null, address: null };
  const lastObject = asObject(last.value);
  const previous = trailingJson(last.before);
  if (previous === null) return { message: last.before.trimEnd(), context: lastObject, address: lastObject };
  const previousObject = asObject(previous.value);
  // "{context} []": the context is the record's own object; "{a} {b}": b is.
  const address = lastObject ?? previousObject;
  const context = previousObject === null ? lastObject : lastObject === null ? previousObject : { ...previousObject, ...lastObject };
  return { message: previous.before.trimEnd(), context, address };
}

/** The JSON value ("[]" or an object) that ends the text, and what comes before it. */
function trailingJson(text: string): { value: unknown; before: string } | null {
  if (text.endsWith(' []') || text === '[]') return { value: [], before: text.slice(0, -3) };
  if (!text.endsWith('}')) return null;
  // Try the last few " {" openings from the right; JSON.parse is linear, and the attempts are capped.
  let from = text.length;
  let attempts = 0;
  while (attempts < 8) {
    const open = from > 0 ? text.lastIndexOf('{', from - 1) : -1;
    if (open < 0) return null;
    if (open === 0 || text[open - 1] === ' ') {
      attempts++;
      try {
        return { value: JSON.parse(text.slice(open)) as unknown, before: text.slice(0, Math.max(0, open - 1)) };
      } catch {
        // Not the start of the object: keep looking left.
      }
    }
    from = open;
  }
  return null;
}

function urlPath(url: string | null): string | null {
  if (url === null) return null;
  const scheme = url.indexOf('://');
  if (scheme < 0) return url;
  const slash = url.indexOf('/', scheme + 3);
  return slash < 0 ? '/' : url.slice(slash);
}
