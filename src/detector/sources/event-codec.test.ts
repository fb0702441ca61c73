import { describe, expect, it } from 'vitest';
import { requestEvent } from '../testing/events.js';
import { decodeEvent, encodeEvent, MAX_ENCODED_EVENT_BYTES } from './event-codec.js';

const full = requestEvent({
  time: 1_760_875_200_123,
  method: 'POST',
  path: '/api/v1/events/abc/photos?x=1',
  route: '/api/v1/events/{token}/photos',
  status: 429,
  durationMs: 0.25,
  bytes: 0,
  tokenHash: 'h'.repeat(64),
  tokenPreview: 'abcd…',
  subject: 'user-7',
  tenant: 'tenant "a"',
  event: 'join',
  userAgent: 'Mozilla/5.0 ☃ \u2028',
  decision: 'rate-limited',
  rule: 'rate-limit:per-ip',
  spoofedForwardedFor: true,
  message: 'line\nbreak',
  level: 'warning',
  fields: { reason: 'token_rate_limited', attempts: -3.5, cached: false, missing: null, zero: 0 },
});

describe('event codec', () => {
  it('round-trips every field exactly: numbers, nulls, booleans, unicode and the extra fields', () => {
    const nulls = requestEvent({
      durationMs: null,
      bytes: null,
      ip: null,
      ipPrefix: null,
      host: null,
      userAgent: null,
    });
    for (const event of [full, nulls]) {
      const decoded = decodeEvent(encodeEvent(event));
      expect(decoded).toEqual({ ok: true, event });
      if (decoded.ok) expect(Object.keys(decoded.event)).toEqual(Object.keys(event));
    }
  });

  it('sends only the RequestEvent fields, whatever else the object carries', () => {
    const withExtra = { ...full, token: 'the-raw-token', authorization: 'Bearer x' };
    const text = encodeEvent(withExtra);
    expect(text).not.toContain('the-raw-token');
    expect(text).not.toContain('Bearer');
    expect(decodeEvent(text)).toEqual({ ok: true, event: full });
  });

  it('reads a missing nullable field as null and drops unknown keys (publishers of another version)', () => {
    const older = JSON.parse(encodeEvent(full)) as Record<string, unknown>;
    delete older.tenant;
    delete older.fields;
    older.addedLater = 42;
    const decoded = decodeEvent(JSON.stringify(older));
    expect(decoded).toEqual({ ok: true, event: { ...full, tenant: null, fields: {} } });
  });

  it('rejects what is not an event, naming the field', () => {
    const base = JSON.parse(encodeEvent(full)) as Record<string, unknown>;
    const cases: [string, string][] = [
      ['not json', 'not JSON'],
      ['[1,2]', 'not an object'],
      ['null', 'not an object'],
      [JSON.stringify({ ...base, time: '12' }), 'time'],
      [JSON.stringify({ ...base, status: null }), 'status'],
      [JSON.stringify({ ...base, service: 7 }), 'service'],
      [JSON.stringify({ ...base, route: 3 }), 'route'],
      [JSON.stringify({ ...base, bytes: 'many' }), 'bytes'],
      [JSON.stringify({ ...base, decision: 'maybe' }), 'decision'],
      [JSON.stringify({ ...base, spoofedForwardedFor: 'yes' }), 'spoofedForwardedFor'],
      [JSON.stringify({ ...base, fields: [] }), 'fields'],
      [JSON.stringify({ ...base, fields: { nested: { a: 1 } } }), 'fields.nested'],
      [`{"time":1,"pad":"${'x'.repeat(MAX_ENCODED_EVENT_BYTES)}"}`, 'too large'],
    ];
    for (const [text, reason] of cases) expect(decodeEvent(text)).toEqual({ ok: false, reason });
  });

  it('does not let a "__proto__" field change the decoded object', () => {
    const text = encodeEvent(full).replace('"fields":{', '"fields":{"__proto__":{"polluted":true},');
    const decoded = decodeEvent(text);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(Object.getPrototypeOf(decoded.event.fields)).toBe(Object.prototype);
      expect(decoded.event.fields).toEqual(full.fields);
    }
  });
});
