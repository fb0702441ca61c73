import { buildEvent, stripQuery, toFloat, toInt, toStatus, toText } from './normalize.js';
import type { FieldValue, RawRecord } from './normalize.js';
import { scalar } from './json-line.js';
import { isSensitiveKey } from './safe-fields.js';
import type { ParseContext, ParseResult } from './types.js';
import { parseAnyTime } from './time.js';
import type { WallClock } from './zone.js';

/** The names jsonl mappings and regex groups use for event properties; any other name becomes a field. */
export const EVENT_FIELD_NAMES = [
  'time', 'ip', 'method', 'path', 'status', 'bytes', 'duration_ms', 'token', 'tenant', 'event', 'subject',
  'route', 'host', 'user_agent', 'message', 'level',
] as const;
export type EventFieldName = (typeof EVENT_FIELD_NAMES)[number];
const NAMES: ReadonlySet<string> = new Set(EVENT_FIELD_NAMES);

export function isEventFieldName(name: string): name is EventFieldName {
  return NAMES.has(name);
}

/**
 * Builds an event from values found under canonical names. A present but unreadable time is a bad line;
 * a missing one falls back to ctx.now.
 */
export function eventFromNamed(
  values: Partial<Record<EventFieldName, unknown>>,
  extra: Record<string, unknown>,
  ctx: ParseContext,
  clock?: WallClock,
): ParseResult {
  let time: number | null = null;
  if (values.time !== undefined && values.time !== null && values.time !== '') {
    time = parseAnyTime(values.time, clock);
    if (time === null) return { ok: false, reason: 'bad time' };
  }
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (isSensitiveKey(key)) continue;
    const v = scalar(value);
    if (v !== undefined) fields[key] = typeof v === 'string' && v.includes('?') ? stripQuery(v) : v;
  }
  const raw: RawRecord = {
    time,
    method: toText(values.method),
    uri: toText(values.path),
    status: toStatus(values.status),
    bytes: toInt(values.bytes),
    durationMs: toFloat(values.duration_ms),
    ip: toText(values.ip),
    host: toText(values.host),
    userAgent: toText(values.user_agent),
    token: toText(values.token),
    tenant: toText(values.tenant),
    event: toText(values.event),
    subject: toText(values.subject),
    route: toText(values.route),
    message: toText(values.message),
    level: toText(values.level),
    fields,
  };
  return buildEvent(raw, ctx);
}
