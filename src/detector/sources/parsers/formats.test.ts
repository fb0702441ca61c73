import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';
import type { ParseResult } from './index.js';

const ctx = { service: 'svc', source: 'test', tokenKey: 'k' };
function event(result: ParseResult) {
  if (!result.ok) throw new Error(`not parsed: ${result.reason}`);
  return result.event;
}

describe('Apache error log', () => {
  it('2.4 form: [client ip:port] AHnnnnn, the level, module, code and the refusal it records', () => {
    const line =
      '[Sun Nov 30 10:00:00.123456 2025] [authz_core:error] [pid 4242:tid 140231] [client 203.0.113.7:51234] AH01630: client denied by server configuration: /srv/www/admin, referer: https://shop.example/a?token=secret';
    const e = event(getParser('apache-error', { timezone: 'UTC' }).parse(line, ctx));
    expect(e.time).toBe(Date.UTC(2025, 10, 30, 10, 0, 0, 123));
    expect(e.ip).toBe('203.0.113.7');
    expect(e.ipPrefix).toBe('203.0.113.0/24');
    expect(e.level).toBe('error');
    expect(e.fields).toMatchObject({ module: 'authz_core', pid: 4242, code: 'AH01630', referer: 'https://shop.example/a' });
    expect(e.decision).toBe('blocked');
    expect(e.status).toBe(403);
    expect(e.message).toBe('AH01630: client denied by server configuration: /srv/www/admin');
  });

  it('2.4 form with an IPv6 client and a system error before the client', () => {
    const line =
      '[Sun Nov 30 10:00:00.000001 2025] [proxy:error] [pid 7:tid 8] (111)Connection refused: [client 2001:db8::7:40000] AH00957: HTTP: attempt to connect to 127.0.0.1:8080 (127.0.0.1) failed';
    const e = event(getParser('apache-error', { timezone: 'UTC' }).parse(line, ctx));
    expect(e.ip).toBe('2001:db8::7');
    expect(e.decision).toBe('upstream-error');
    expect(e.status).toBe(503);
  });

  it('2.2 form: [client ip] without port or module, a failed basic-auth login', () => {
    const line = '[Sun Nov 30 10:00:00 2025] [error] [client 198.51.100.4] user mallory: authentication failure for "/private": Password Mismatch';
    const e = event(getParser('apache-error', { timezone: 'UTC' }).parse(line, ctx));
    expect(e.ip).toBe('198.51.100.4');
    expect(e.level).toBe('error');
    expect(e.decision).toBe('invalid');
    expect(e.status).toBe(401);
  });

  it('reads its local time in the source timezone', () => {
    const line = '[Sun Nov 30 10:00:00 2025] [notice] Apache/2.2.22 configured -- resuming normal operations';
    expect(event(getParser('apache-error', { timezone: 'Europe/Berlin' }).parse(line, ctx)).time).toBe(Date.UTC(2025, 10, 30, 9));
  });
});

describe('syslog and journald prefixes, any format', () => {
  const access = '203.0.113.7 - - [30/Nov/2025:10:00:00 +0100] "GET /a?b=1 HTTP/1.1" 200 5 "-" "ua" 0.003 0.002';
  it('journalctl -o short: "Nov 30 10:00:00 host nginx[123]: " before an nginx access line', () => {
    const e = event(getParser('nginx').parse(`Nov 30 10:00:00 web-1 nginx[123]: ${access}`, ctx));
    expect(e.time).toBe(Date.UTC(2025, 10, 30, 9));
    expect(e.ip).toBe('203.0.113.7');
    expect(e.path).toBe('/a');
    expect(e.query).toBe('b=1');
  });

  it('journalctl -o short-iso and rsyslog RFC 3339 before an nginx error line', () => {
    const error =
      '2025/11/30 10:00:00 [error] 7#7: *1 limiting requests, excess: 2.000 by zone "api", client: 203.0.113.7, server: api, request: "GET / HTTP/1.1", host: "api"';
    for (const prefix of ['2025-11-30T10:00:00+0100 web-1 nginx[7]: ', '<27>2025-11-30T10:00:00.123456+01:00 web-1 nginx: ']) {
      const e = event(getParser('nginx-error', { timezone: 'Europe/Berlin' }).parse(prefix + error, ctx));
      expect(e.ip).toBe('203.0.113.7');
      expect(e.decision).toBe('rate-limited');
      // nginx's own time, local Berlin time, wins over the collector's.
      expect(e.time).toBe(Date.UTC(2025, 10, 30, 9));
    }
  });

  it("uvicorn's access line, which has no time, takes the journald or docker prefix's time", () => {
    const uvicorn = 'INFO:     203.0.113.7:5000 - "GET /bookings HTTP/1.1" 200 OK';
    const parser = getParser('uvicorn', { timezone: 'UTC' });
    expect(event(parser.parse(`Nov 30 10:00:00 app-1 uvicorn[99]: ${uvicorn}`, ctx)).time).toBe(Date.UTC(new Date().getUTCFullYear() + (new Date().getUTCMonth() === 0 ? -1 : 0), 10, 30, 10));
    const docker = event(parser.parse(`2025-11-30T10:00:00.123456789Z ${uvicorn}`, ctx));
    expect(docker.time).toBe(Date.UTC(2025, 10, 30, 10, 0, 0, 123));
    expect(docker.ip).toBe('203.0.113.7');
    // Without any prefix and without a read time, the line says why it is skipped.
    expect(parser.parse(uvicorn, ctx)).toEqual({ ok: false, reason: 'no timestamp' });
  });
});

describe('nginx error log: time zone and limiting lines', () => {
  const line = (message: string) =>
    `2025/07/01 12:00:00 [warn] 7#7: *9 ${message}, client: 203.0.113.7, server: api, request: "GET /api HTTP/1.1", host: "api"`;

  it('reads nginx local time in the source timezone (summer time in Berlin is UTC+2)', () => {
    const text = line('limiting requests, excess: 5.000 by zone "api"');
    expect(event(getParser('nginx-error', { timezone: 'Europe/Berlin' }).parse(text, ctx)).time).toBe(Date.UTC(2025, 6, 1, 10));
    expect(event(getParser('nginx-error', { timezone: 'UTC' }).parse(text, ctx)).time).toBe(Date.UTC(2025, 6, 1, 12));
    expect(() => getParser('nginx-error', { timezone: 'Mars/Olympus' })).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('"delaying request" (limit_req with burst/delay) is rate-limited, the request itself went through', () => {
    const e = event(getParser('nginx-error', { timezone: 'UTC' }).parse(line('delaying request, excess: 0.750, by zone "api"'), ctx));
    expect(e.decision).toBe('rate-limited');
    expect(e.rule).toBe('nginx:limit_req_delay:api');
    expect(e.fields).toMatchObject({ delayed: true, excess: 0.75 });
    expect(e.status).toBe(0);
  });

  it('"limiting connections" (limit_conn) is rate-limited', () => {
    const e = event(getParser('nginx-error', { timezone: 'UTC' }).parse(line('limiting connections by zone "perip"'), ctx));
    expect(e.decision).toBe('rate-limited');
    expect(e.rule).toBe('nginx:limit_conn:perip');
  });
});

describe("requests nginx refused itself are told apart from the app's errors", () => {
  const access = (status: number, upstream: string) =>
    `203.0.113.7 - - [30/Nov/2025:10:00:00 +0000] "GET /api/v1/events HTTP/1.1" ${status} 197 "-" "ua" 0.000 ${upstream}`;

  it('a 503 with no upstream asked ("-") is a limit_req refusal: rate-limited, not an upstream error', () => {
    const refused = event(getParser('nginx').parse(access(503, '-'), ctx));
    expect(refused.decision).toBe('rate-limited');
    expect(refused.rule).toBe('nginx:refused');
    const appError = event(getParser('nginx').parse(access(503, '0.004'), ctx));
    expect(appError.decision).toBe('upstream-error');
  });

  it('refusal_statuses names what nginx answers when the format logs no upstream time', () => {
    const combined = '203.0.113.7 - - [30/Nov/2025:10:00:00 +0000] "GET / HTTP/1.1" 503 197 "-" "ua"';
    expect(event(getParser('nginx').parse(combined, ctx)).decision).toBe('upstream-error');
    expect(event(getParser('nginx', { refusalStatuses: [503] }).parse(combined, ctx)).decision).toBe('rate-limited');
    // A status nginx does not refuse with stays what it was.
    expect(event(getParser('nginx', { refusalStatuses: [503] }).parse(access(502, '-'), ctx)).decision).toBe('upstream-error');
  });
});
