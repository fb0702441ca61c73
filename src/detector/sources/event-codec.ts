import { DECISIONS as DECISION_LIST, type RequestEvent } from '../../domain/request-event.js';
import { visibleText } from '../../shared/visible-text.js';

/** An entry bigger than this is not one of ours (a gateway event is well under 2 KB). */
export const MAX_ENCODED_EVENT_BYTES = 64 * 1024;

const DECISIONS: ReadonlySet<string> = new Set(DECISION_LIST);

const STRINGS = ['service', 'source', 'method', 'path'] as const;
const NULLABLE_STRINGS = [
  'query',
  'route',
  'host',
  'ip',
  'ipPrefix',
  'tokenHash',
  'tokenPreview',
  'subject',
  'tenant',
  'event',
  'userAgent',
  'rule',
  'message',
  'level',
] as const;
const NULLABLE_NUMBERS = ['durationMs', 'bytes'] as const;

/**
 * Compact JSON of exactly the RequestEvent's fields (a token only ever travels as its hash and preview, because
 * RequestEvent has nothing else). Non-finite numbers have no JSON form, so they are sent as null.
 */
export function encodeEvent(event: RequestEvent): string {
  return JSON.stringify(pick(event));
}

export type DecodeResult = { ok: true; event: RequestEvent } | { ok: false; reason: string };

/**
 * Validates an entry from the stream field by field: it comes from whoever can write to Redis. Unknown keys are
 * dropped; a nullable field that is missing reads as null, so a newer publisher that adds fields and an older
 * one that lacks a later nullable field both still decode (rolling upgrades).
 */
export function decodeEvent(text: string): DecodeResult {
  if (text.length > MAX_ENCODED_EVENT_BYTES) return { ok: false, reason: 'too large' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(raw)) return { ok: false, reason: 'not an object' };
  const out: Record<string, unknown> = {};
  if (!isFiniteNumber(raw.time)) return { ok: false, reason: 'time' };
  out.time = raw.time;
  for (const key of STRINGS) {
    if (typeof raw[key] !== 'string') return { ok: false, reason: key };
    out[key] = raw[key];
  }
  for (const key of NULLABLE_STRINGS) {
    const value = raw[key] ?? null;
    if (value !== null && typeof value !== 'string') return { ok: false, reason: key };
    out[key] = value;
  }
  if (!isFiniteNumber(raw.status)) return { ok: false, reason: 'status' };
  out.status = raw.status;
  for (const key of NULLABLE_NUMBERS) {
    const value = raw[key] ?? null;
    if (value !== null && !isFiniteNumber(value)) return { ok: false, reason: key };
    out[key] = value;
  }
  if (typeof raw.decision !== 'string' || !DECISIONS.has(raw.decision))
    return { ok: false, reason: 'decision' };
  out.decision = raw.decision;
  const spoofed = raw.spoofedForwardedFor ?? false;
  if (typeof spoofed !== 'boolean') return { ok: false, reason: 'spoofedForwardedFor' };
  out.spoofedForwardedFor = spoofed;
  const fields = raw.fields ?? {};
  if (!isRecord(fields)) return { ok: false, reason: 'fields' };
  const copy: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    // JSON.parse makes "__proto__" an own key; assigning it would replace the copy's prototype.
    if (key === '__proto__') continue;
    if (value !== null && typeof value !== 'string' && typeof value !== 'boolean' && !isFiniteNumber(value))
      // The key is the sender's: a reason is printed (replay's summary) and counted, so it is shown inert and short.
      return { ok: false, reason: `fields.${visibleText(key, 64)}` };
    copy[key] = value;
  }
  out.fields = copy;
  // One fixed key order, so every decoded event has the same object shape in the detector's hot path.
  return { ok: true, event: pick(out as unknown as RequestEvent) };
}

// A fixed key order keeps the JSON identical for identical events and drops anything a caller tacked on.
function pick(e: RequestEvent): RequestEvent {
  return {
    time: e.time,
    service: e.service,
    source: e.source,
    method: e.method,
    path: e.path,
    query: e.query,
    route: e.route,
    host: e.host,
    status: e.status,
    durationMs: e.durationMs,
    bytes: e.bytes,
    ip: e.ip,
    ipPrefix: e.ipPrefix,
    tokenHash: e.tokenHash,
    tokenPreview: e.tokenPreview,
    subject: e.subject,
    tenant: e.tenant,
    event: e.event,
    userAgent: e.userAgent,
    decision: e.decision,
    rule: e.rule,
    spoofedForwardedFor: e.spoofedForwardedFor,
    message: e.message,
    level: e.level,
    fields: e.fields,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
