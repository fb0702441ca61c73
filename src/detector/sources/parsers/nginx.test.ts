import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';
import type { ParseResult } from './types.js';

const ctx = { service: 'fotospiel', source: 'file:/var/log/nginx/access.log', tokenKey: 'test-key' };
const parser = getParser('nginx');
const T = Date.UTC(2024, 5, 19, 8, 0, 0);

function event(result: ParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
  return result.event;
}

describe('nginx combined', () => {
  it('reads the default combined format', () => {
    const e = event(
      parser.parse(
        '203.0.113.7 - - [19/Jun/2024:10:00:00 +0200] "GET /api/v1/events/AbCd1234/photos HTTP/1.1" 200 1532 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
        ctx,
      ),
    );
    expect(e).toMatchObject({
      time: T,
      service: 'fotospiel',
      source: 'file:/var/log/nginx/access.log',
      method: 'GET',
      path: '/api/v1/events/AbCd1234/photos',
      status: 200,
      bytes: 1532,
      ip: '203.0.113.7',
      ipPrefix: '203.0.113.0/24',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      decision: 'allowed',
      durationMs: null,
    });
    expect(e.fields).toMatchObject({ protocol: 'HTTP/1.1' });
  });

  it('reads an appended $request_time and $upstream_response_time', () => {
    const e = event(
      parser.parse('198.51.100.4 - alice [19/Jun/2024:10:00:00 +0200] "POST /api/v1/gallery/x/upload HTTP/2.0" 429 0 "https://app.test/" "curl/8.5.0" 0.004 -', ctx),
    );
    expect(e.durationMs).toBe(4);
    expect(e.decision).toBe('rate-limited');
    expect(e.fields).toMatchObject({ user: 'alice', referer: 'https://app.test/' });
    const retried = event(
      parser.parse('198.51.100.4 - - [19/Jun/2024:10:00:00 +0200] "GET / HTTP/1.1" 502 157 "-" "-" 1.250 "1.000, 0.250"', ctx),
    );
    expect(retried.durationMs).toBe(1250);
    expect(retried.fields.upstreamResponseTime).toBe('1.000, 0.250');
    expect(retried.decision).toBe('upstream-error');
    const keyed = event(parser.parse('1.2.3.4 - - [19/Jun/2024:10:00:00 +0200] "GET / HTTP/1.1" 200 1 "-" "-" rt=0.120 uct="0.001"', ctx));
    expect(keyed.durationMs).toBe(120);
  });

  it('never keeps a query-string token; a join token is hashed', () => {
    const secret = 'Zx9Qw8Er7Ty6Ui5Op4As3Df2';
    const line = `203.0.113.7 - - [19/Jun/2024:10:00:00 +0200] "GET /api/v1/photos/9/download?token=${secret}&signature=deadbeefcafe HTTP/1.1" 200 10 "https://app.test/e?access_token=${secret}" "ua"`;
    const e = event(parser.parse(line, ctx));
    expect(e.path).toBe('/api/v1/photos/9/download');
    expect(JSON.stringify(e)).not.toContain(secret);
    expect(JSON.stringify(e)).not.toContain('deadbeefcafe');
    expect(e.tokenPreview).toBe('Zx9Q…f2');
    expect(e.tokenHash).toMatch(/^[\w-]{32}$/);
  });

  it('reads a 408 (client_header_timeout / client_body_timeout) as a slow client', () => {
    const e = event(parser.parse('203.0.113.9 - - [19/Jun/2024:10:00:00 +0200] "POST /api/v1/events/t/photos HTTP/1.1" 408 0 "-" "-"', ctx));
    expect(e).toMatchObject({ status: 408, decision: 'slow-client', ipPrefix: '203.0.113.0/24' });
  });

  it('keeps the escaped garbage request of a TLS handshake as a 400 without method', () => {
    const e = event(parser.parse('45.9.20.1 - - [19/Jun/2024:10:00:00 +0200] "\\x16\\x03\\x01\\x00\\xF1\\x01" 400 157 "-" "-"', ctx));
    expect(e).toMatchObject({ status: 400, method: '', path: '' });
  });

  it('reads IPv6 clients and absolute-form request lines', () => {
    const e = event(parser.parse('2001:db8::7 - - [19/Jun/2024:10:00:00 +0200] "GET http://api.test/health?x=1 HTTP/1.1" 200 2 "-" "-"', ctx));
    expect(e).toMatchObject({ ip: '2001:db8::7', ipPrefix: '2001:db8::/64', path: '/health' });
  });

  it('refuses lines that are not combined', () => {
    const bad = parser.parse('203.0.113.7 - - [19/Jun/2024:10:00:00 +0200] "GET / HTTP/1.1" abc', ctx);
    expect(bad).toEqual({ ok: false, reason: 'not a combined log line' });
    expect(parser.parse('203.0.113.7 - - [99/Jun/2024:10:00:00 +0200] "GET / HTTP/1.1" 200 1 "-" "-"', ctx)).toEqual({
      ok: false,
      reason: 'bad time',
    });
  });
});
