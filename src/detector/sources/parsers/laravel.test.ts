import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';
import type { ParseResult } from './types.js';

const ctx = { service: 'fotospiel', source: 'file:storage/logs/laravel.log', tokenKey: 'k' };
const parser = getParser('laravel');

function event(result: ParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
  return result.event;
}

describe('laravel (monolog LineFormatter)', () => {
  it("reads the seed's join-token denial with its context", () => {
    const e = event(
      parser.parse(
        '[2025-10-19 23:00:47] production.WARNING: Join token access denied {"ip":"203.0.113.7","token":"abcd…ef","event_id":42,"tenant_id":7,"reason":"invalid_token"} []',
        ctx,
      ),
    );
    expect(e).toMatchObject({
      time: Date.UTC(2025, 9, 19, 23, 0, 47), level: 'WARNING', message: 'Join token access denied',
      ip: '203.0.113.7', ipPrefix: '203.0.113.0/24', tokenPreview: 'abcd…ef', tokenHash: null, event: '42',
      tenant: '7', decision: 'invalid', status: 401, rule: 'laravel:invalid_token',
    });
    expect(e.fields).toMatchObject({ channel: 'production', reason: 'invalid_token' });
  });

  it('maps token_rate_limited to a 429 rate-limited event, as reason or as message', () => {
    const asReason = event(
      parser.parse('[2025-10-19 23:00:48] production.WARNING: Join token access denied {"ip":"203.0.113.7","token_preview":"wxyz…12","reason":"token_rate_limited"} []', ctx),
    );
    expect(asReason).toMatchObject({ decision: 'rate-limited', status: 429, tokenPreview: 'wxyz…12' });
    const asMessage = event(parser.parse('[2025-10-19 23:00:48] production.WARNING: token_rate_limited {"ip":"203.0.113.8"} []', ctx));
    expect(asMessage).toMatchObject({ decision: 'rate-limited', status: 429, ip: '203.0.113.8' });
  });

  it('hashes a full token that reached the log and never keeps it', () => {
    const secret = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6';
    const e = event(
      parser.parse(`[2025-10-19 23:00:49] production.WARNING: Join token access denied {"ip":"203.0.113.7","token":"${secret}","reason":"token_revoked","route":"api.v1.events.photos","path":"/api/v1/events/x/photos?token=${secret}"} []`, ctx),
    );
    expect(e).toMatchObject({ decision: 'invalid', status: 403, tokenPreview: 'q1w2…h6', route: 'api.v1.events.photos', path: '/api/v1/events/x/photos' });
    expect(e.tokenHash).toMatch(/^[\w-]{32}$/);
    expect(JSON.stringify(e)).not.toContain(secret);
  });

  it("reads Monolog's default ISO time with offset, empty context and a non-empty extra", () => {
    const e = event(parser.parse('[2024-06-19T10:00:00.123456+02:00] local.INFO: User {id} logged in {"user_id":5} {"request_id":"r-1"}', ctx));
    expect(e).toMatchObject({ time: Date.UTC(2024, 5, 19, 8, 0, 0, 123), message: 'User {id} logged in', subject: '5', decision: 'allowed', status: 0 });
    expect(event(parser.parse('[2024-06-19 10:00:00] production.ERROR: Boom [] []', ctx))).toMatchObject({ message: 'Boom', level: 'ERROR' });
  });

  it('skips stack-trace lines as continuations and keeps the exception head', () => {
    const head = event(
      parser.parse('[2024-06-19 10:00:00] production.ERROR: Undefined variable $x {"exception":"[object] (ErrorException(code: 0): Undefined variable $x at /var/www/app/Http/Controllers/EventPublicController.php:42)', ctx),
    );
    expect(head.level).toBe('ERROR');
    expect(head.message).toContain('Undefined variable $x');
    for (const line of ['[stacktrace]', '#0 /var/www/vendor/laravel/framework/src/Illuminate/Foundation/Bootstrap/HandleExceptions.php(255): handleError()', '#1 {main}', '"} ']) {
      expect(parser.parse(line, ctx)).toEqual({ ok: false, reason: 'continuation' });
    }
    expect(parser.parse('[not a date] x', ctx)).toEqual({ ok: false, reason: 'not a Laravel log line' });
  });
});
