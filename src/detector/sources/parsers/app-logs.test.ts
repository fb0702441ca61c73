import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';
import type { ParseResult } from './types.js';

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);
const ctx = { service: 'booking', source: 'test', tokenKey: 'k', now: NOW };

function event(result: ParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
  return result.event;
}

describe('uvicorn access log', () => {
  const parser = getParser('uvicorn');
  it("reads uvicorn's default access line and takes ctx.now for its missing time", () => {
    expect(event(parser.parse('INFO:     127.0.0.1:54321 - "GET /bookings HTTP/1.1" 200 OK', ctx))).toMatchObject({
      time: NOW, ip: '127.0.0.1', method: 'GET', path: '/bookings', status: 200, level: 'INFO', decision: 'allowed',
    });
    expect(parser.parse('INFO:     127.0.0.1:54321 - "GET /bookings HTTP/1.1" 200 OK', { ...ctx, now: undefined as never })).toEqual({
      ok: false, reason: 'no timestamp',
    });
  });

  it('reads a leading timestamp, the logging-module format, IPv6 clients and colours', () => {
    expect(event(parser.parse('2024-06-19 10:00:00,250 INFO:     203.0.113.5:443 - "POST /auth/login HTTP/1.1" 429 Too Many Requests', ctx))).toMatchObject({
      time: Date.UTC(2024, 5, 19, 10, 0, 0, 250), status: 429, decision: 'rate-limited', ip: '203.0.113.5',
    });
    expect(event(parser.parse('2024-06-19 10:00:00,250 - uvicorn.access - INFO - 198.51.100.1:5000 - "GET /sync-status?access_token=ey.aaa.bbb HTTP/1.1" 401', ctx))).toMatchObject({
      status: 401, path: '/sync-status', ip: '198.51.100.1', tokenPreview: 'ey.a…bb',
    });
    expect(event(parser.parse('INFO:     2001:db8::5:54321 - "GET /health HTTP/1.1" 200 OK', ctx))).toMatchObject({ ip: '2001:db8::5', ipPrefix: '2001:db8::/64' });
    expect(event(parser.parse('\x1b[32mINFO\x1b[0m:     127.0.0.1:1 - "\x1b[1mGET /health HTTP/1.1\x1b[0m" \x1b[32m200 OK\x1b[0m', ctx))).toMatchObject({ path: '/health', status: 200 });
  });

  it('reads its non-access lines as uvicorn-error does', () => {
    expect(event(parser.parse('INFO:     Application startup complete.', ctx))).toMatchObject({ message: 'Application startup complete.', status: 0 });
  });
});

describe('uvicorn-error', () => {
  const parser = getParser('uvicorn-error');
  it('keeps level and message; an ASGI exception counts as a 500', () => {
    expect(event(parser.parse('ERROR:    Exception in ASGI application', ctx))).toMatchObject({
      level: 'ERROR', message: 'Exception in ASGI application', status: 500, decision: 'upstream-error', time: NOW,
    });
    expect(event(parser.parse('WARNING:  Invalid HTTP request received.', ctx))).toMatchObject({ level: 'WARNING', status: 0 });
    expect(event(parser.parse('2024-06-19 10:00:00,001 - uvicorn.error - CRITICAL - Worker died', ctx))).toMatchObject({
      level: 'CRITICAL', message: 'Worker died', time: Date.UTC(2024, 5, 19, 10, 0, 0, 1), fields: { logger: 'uvicorn.error' },
    });
  });

  it('skips traceback lines', () => {
    for (const line of ['Traceback (most recent call last):', '  File "/app/main.py", line 12, in get_bookings', 'ZeroDivisionError: division by zero']) {
      expect(parser.parse(line, ctx)).toEqual({ ok: false, reason: 'continuation' });
    }
    expect(parser.parse('hello world', ctx)).toEqual({ ok: false, reason: 'not a uvicorn log line' });
  });
});

describe('nginx-error', () => {
  const parser = getParser('nginx-error');
  it('turns a limit_req rejection into a rate-limited 429', () => {
    expect(
      event(parser.parse('2024/06/19 10:00:00 [error] 123#0: *5 limiting requests, excess: 10.500 by zone "api", client: 1.2.3.4, server: x, request: "GET /a?token=verysecretvalue123 HTTP/1.1", host: "x"', ctx)),
    ).toMatchObject({
      time: Date.UTC(2024, 5, 19, 10, 0, 0), level: 'error', decision: 'rate-limited', status: 429,
      rule: 'nginx:limit_req:api', ip: '1.2.3.4', method: 'GET', path: '/a', host: 'x',
      message: 'limiting requests, excess: 10.500 by zone "api"', fields: { excess: 10.5, server: 'x', connection: 5 },
    });
  });

  it('keeps dry runs allowed, maps upstream failures, keeps other lines as messages', () => {
    expect(event(parser.parse('2024/06/19 10:00:00 [warn] 1#1: *9 limiting requests, dry run, excess: 1.000 by zone "api", client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"', ctx))).toMatchObject({
      decision: 'allowed', rule: 'nginx:limit_req:api', fields: { dryRun: true },
    });
    expect(event(parser.parse('2024/06/19 10:00:00 [error] 7#7: *3 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 5.6.7.8, server: api, request: "GET /bookings HTTP/1.1", upstream: "http://127.0.0.1:8000/bookings", host: "api.test"', ctx))).toMatchObject({
      status: 504, decision: 'upstream-error', fields: { upstream: 'http://127.0.0.1:8000/bookings' },
    });
    expect(event(parser.parse('2024/06/19 10:00:00 [notice] 1#1: signal process started', ctx))).toMatchObject({
      level: 'notice', message: 'signal process started', status: 0, ip: null,
    });
  });
});
