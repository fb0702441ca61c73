import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';
import type { ParseResult } from './types.js';

const ctx = { service: 'svc', source: 'test', tokenKey: 'k' };
const T = Date.UTC(2024, 5, 19, 8, 0, 0);

function event(result: ParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
  return result.event;
}

describe('nginx-json (log_format escape=json)', () => {
  const parser = getParser('nginx-json');
  it('reads the usual keys, all strings as nginx writes them', () => {
    const line = JSON.stringify({
      time_iso8601: '2024-06-19T10:00:00+02:00',
      remote_addr: '203.0.113.9',
      request: 'GET /bookings?page=2 HTTP/1.1',
      status: '503',
      body_bytes_sent: '612',
      request_time: '0.250',
      http_user_agent: 'python-httpx/0.27',
      http_x_forwarded_for: '',
      host: 'api.test',
    });
    expect(event(parser.parse(line, ctx))).toMatchObject({
      time: T, ip: '203.0.113.9', method: 'GET', path: '/bookings', status: 503, bytes: 612, durationMs: 250,
      userAgent: 'python-httpx/0.27', host: 'api.test', decision: 'upstream-error',
    });
  });

  it('prefers request_method + request_uri and falls back to msec', () => {
    const line = '{"msec":"1718784000.500","remote_addr":"1.2.3.4","request_method":"POST","request_uri":"/auth/login?key=s3cr3t","status":"401"}';
    const e = event(parser.parse(line, ctx));
    expect(e).toMatchObject({ time: T + 500, method: 'POST', path: '/auth/login', status: 401 });
    expect(JSON.stringify(e)).not.toContain('s3cr3t');
  });

  it('refuses a line without a status or with a broken time', () => {
    expect(parser.parse('{"time_iso8601":"2024-06-19T10:00:00+02:00"}', ctx)).toEqual({ ok: false, reason: 'no status' });
    expect(parser.parse('{"time_local":"garbage","status":"200"}', ctx)).toEqual({ ok: false, reason: 'bad time' });
    expect(parser.parse('{"status":"200","remote_addr":"1.2.3.4"', ctx)).toEqual({ ok: false, reason: 'truncated JSON' });
  });
});

describe('caddy JSON access log', () => {
  const parser = getParser('caddy');
  // As Caddy 2 writes it (shape from the Caddy docs' log example).
  const line =
    '{"level":"info","ts":1718784000.5241024,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"10.0.0.5","remote_port":"41342","client_ip":"203.0.113.50","proto":"HTTP/2.0","method":"GET","host":"api.test","uri":"/api/v1/gallery/tok/photos?token=abcdefghijklmnopqrstuv","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"api.test"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"]}}';
  it('reads the access entry; client_ip wins over remote_ip', () => {
    const e = event(parser.parse(line, ctx));
    expect(e).toMatchObject({
      time: T + 524, ip: '203.0.113.50', method: 'GET', host: 'api.test', path: '/api/v1/gallery/tok/photos',
      status: 200, bytes: 10900, userAgent: 'curl/7.82.0', level: 'info', tokenPreview: 'abcd…uv',
    });
    expect(e.durationMs).toBeCloseTo(0.93, 2);
    expect(JSON.stringify(e)).not.toContain('abcdefghijklmnopqrstuv');
  });

  it('reads other Caddy loggers as messages and refuses non-Caddy JSON', () => {
    const e = event(parser.parse('{"level":"error","ts":1718784000,"logger":"http.handlers.reverse_proxy","msg":"dial tcp 127.0.0.1:8000: connect: connection refused"}', ctx));
    expect(e).toMatchObject({ level: 'error', status: 0, message: 'dial tcp 127.0.0.1:8000: connect: connection refused' });
    expect(parser.parse('{"hello":"world"}', ctx)).toEqual({ ok: false, reason: 'no ts: not a Caddy log entry' });
    expect(parser.parse('[1,2]', ctx)).toEqual({ ok: false, reason: 'not a JSON object' });
  });
});

describe('traefik JSON access log', () => {
  const parser = getParser('traefik');
  const line = JSON.stringify({
    ClientAddr: '203.0.113.77:51234', ClientHost: '203.0.113.77', ClientPort: '51234', ClientUsername: '-',
    DownstreamContentSize: 19, DownstreamStatus: 429, Duration: 1234567, OriginContentSize: 0, OriginDuration: 0,
    OriginStatus: 0, Overhead: 1234567, RequestAddr: 'api.test', RequestContentSize: 0, RequestCount: 42,
    RequestHost: 'api.test', RequestMethod: 'GET', RequestPath: '/bookings?access_token=ey.secret.jwt',
    RequestPort: '-', RequestProtocol: 'HTTP/1.1', RequestScheme: 'https', RetryAttempts: 0,
    RouterName: 'booking@docker', StartLocal: '2024-06-19T10:00:00.123456789+02:00',
    StartUTC: '2024-06-19T08:00:00.123456789Z', entryPointName: 'websecure', level: 'info', msg: '',
    'request_User-Agent': 'k6/0.50', time: '2024-06-19T10:00:00+02:00',
  });
  it('reads the access entry with nanosecond durations', () => {
    const e = event(parser.parse(line, ctx));
    expect(e).toMatchObject({
      time: T + 123, ip: '203.0.113.77', method: 'GET', path: '/bookings', status: 429, bytes: 19,
      durationMs: 1.235, host: 'api.test', userAgent: 'k6/0.50', decision: 'rate-limited',
    });
    expect(e.fields).toMatchObject({ router: 'booking@docker', entryPoint: 'websecure' });
    expect(JSON.stringify(e)).not.toContain('ey.secret.jwt');
  });

  it('refuses entries without time or status', () => {
    expect(parser.parse('{"DownstreamStatus":200}', ctx)).toEqual({ ok: false, reason: 'no StartUTC: not a Traefik access log entry' });
    expect(parser.parse('{"StartUTC":"2024-06-19T08:00:00Z"}', ctx)).toEqual({ ok: false, reason: 'no status' });
  });
});
