import { describe, expect, it } from 'vitest';
import { fieldGetter } from '../../rules/event-fields.js';
import { getParser } from './index.js';
import type { ParseResult } from './index.js';

const ctx = { service: 'svc', source: 'access', tokenKey: 'k', now: Date.UTC(2025, 9, 19) };
const routes = new Map<string, string>();
const get = (name: string, result: ParseResult) => {
  if (!result.ok) throw new Error(`not parsed: ${result.reason}`);
  return fieldGetter(name, routes)(result.event);
};

describe('every parser keeps the request fields rules need', () => {
  it('nginx combined: method, path, query, raw request, protocol, status, bytes, user agent, referer, duration', () => {
    const line =
      '203.0.113.7 - - [19/Oct/2025:12:00:00 +0000] "GET /search?q=shoes&page=2 HTTP/1.1" 200 512 "https://shop.example/a?x=1" "Mozilla/5.0 (X11)" 0.012 0.010';
    const parsed = getParser('nginx').parse(line, ctx);
    expect(get('method', parsed)).toBe('GET');
    expect(get('path', parsed)).toBe('/search');
    expect(get('query', parsed)).toBe('q=shoes&page=2');
    expect(get('request', parsed)).toBe('GET /search?q=shoes&page=2 HTTP/1.1');
    expect(get('protocol', parsed)).toBe('HTTP/1.1');
    expect(get('status', parsed)).toBe('200');
    expect(get('bytes', parsed)).toBe('512');
    expect(get('user_agent', parsed)).toBe('Mozilla/5.0 (X11)');
    expect(get('referer', parsed)).toBe('https://shop.example/a');
    expect(get('duration_ms', parsed)).toBe('12');
  });

  it('apache combined: the same fields, a secret in the query redacted in query and request alike', () => {
    const line =
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /dl?file=a.pdf&signature=abc123 HTTP/1.0" 200 2326 "-" "Wget/1.21"';
    const parsed = getParser('apache').parse(line, ctx);
    expect(get('query', parsed)).toBe('file=a.pdf&signature=[redacted]');
    expect(get('request', parsed)).toBe('GET /dl?file=a.pdf&signature=[redacted] HTTP/1.0');
    expect(get('user', parsed)).toBe('frank');
    expect(JSON.stringify(parsed)).not.toContain('abc123');
  });

  it('a malformed request line (TLS on the HTTP port) yields an empty path and keeps the raw request', () => {
    const line = '198.51.100.9 - - [19/Oct/2025:12:00:00 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03" 400 157 "-" "-"';
    const parsed = getParser('nginx').parse(line, ctx);
    expect(parsed.ok).toBe(true);
    expect(get('path', parsed)).toBeNull();
    if (parsed.ok) expect(parsed.event.path).toBe('');
    expect(get('method', parsed)).toBeNull();
    expect(get('request', parsed)).toBe('\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03');
    expect(get('status', parsed)).toBe('400');
  });

  it('a query-string flood: every request a distinct query on one path, countable distinct', () => {
    const parser = getParser('nginx');
    const queries = new Set<string | null>();
    for (let i = 0; i < 200; i++) {
      const line = `203.0.113.7 - - [19/Oct/2025:12:00:00 +0000] "GET /?${i.toString(36)}${i * 7919} HTTP/1.1" 200 10 "-" "bot"`;
      const parsed = parser.parse(line, ctx);
      expect(get('path', parsed)).toBe('/');
      queries.add(get('query', parsed));
    }
    expect(queries.size).toBe(200);
  });

  it('nginx-json: $uri with $args gives path and query; request kept', () => {
    const line = JSON.stringify({
      time_iso8601: '2025-10-19T12:00:00+00:00', remote_addr: '203.0.113.7', request: 'GET /a?b=1 HTTP/2.0',
      uri: '/a', args: 'b=1', request_method: 'GET', status: '200', host: 'shop.example',
    });
    const parsed = getParser('nginx-json').parse(line, ctx);
    expect(get('path', parsed)).toBe('/a');
    expect(get('query', parsed)).toBe('b=1');
    expect(get('request', parsed)).toBe('GET /a?b=1 HTTP/2.0');
    expect(get('host', parsed)).toBe('shop.example');
  });

  it('caddy, traefik, uvicorn, nginx error log: the query of the logged URI', () => {
    const caddy = JSON.stringify({
      level: 'info', ts: 1760875200.5, logger: 'http.log.access', msg: 'handled request', status: 200, size: 3,
      duration: 0.002, request: { remote_ip: '203.0.113.7', method: 'GET', host: 'h', uri: '/p?id=7', proto: 'HTTP/2.0', headers: {} },
    });
    expect(get('query', getParser('caddy').parse(caddy, ctx))).toBe('id=7');
    const traefik = JSON.stringify({
      ClientHost: '203.0.113.7', RequestMethod: 'GET', RequestPath: '/p?id=8&token=secret', DownstreamStatus: 200,
      StartUTC: '2025-10-19T12:00:00Z',
    });
    expect(get('query', getParser('traefik').parse(traefik, ctx))).toBe('id=8&token=[redacted]');
    const uvicorn = 'INFO:     203.0.113.7:5432 - "GET /bookings?day=mon HTTP/1.1" 200 OK';
    const parsedUvicorn = getParser('uvicorn').parse(uvicorn, ctx);
    expect(get('query', parsedUvicorn)).toBe('day=mon');
    expect(get('request', parsedUvicorn)).toBe('GET /bookings?day=mon HTTP/1.1');
    const error =
      '2025/10/19 12:00:00 [error] 1#0: *5 open() "/srv/x" failed (2: No such file or directory), client: 203.0.113.7, server: s, request: "GET /x?y=1 HTTP/1.1", host: "s"';
    const parsedError = getParser('nginx-error').parse(error, ctx);
    expect(get('query', parsedError)).toBe('y=1');
    expect(get('request', parsedError)).toBe('GET /x?y=1 HTTP/1.1');
    expect(get('host', parsedError)).toBe('s');
  });
});

describe('the path is the one the gateway judges', () => {
  it('encoded letters, dot segments and repeated slashes read as the route they reach; ambiguous forms stay as logged', () => {
    const parser = getParser('nginx');
    const pathOf = (uri: string) =>
      get('path', parser.parse(`203.0.113.7 - - [19/Oct/2025:12:00:00 +0000] "GET ${uri} HTTP/1.1" 200 5 "-" "ua"`, ctx));
    expect(pathOf('/api/v1/%67allery/tok/photos?x=1')).toBe('/api/v1/gallery/tok/photos');
    expect(pathOf('//api/v1/gallery/tok/photos')).toBe('/api/v1/gallery/tok/photos');
    expect(pathOf('/x/../api/v1/events/tok')).toBe('/api/v1/events/tok');
    expect(pathOf('/auth/%6cogin')).toBe('/auth/login');
    // An encoded "/" is refused by the gateway; the log keeps what the app was sent.
    expect(pathOf('/api%2Fv1/gallery')).toBe('/api%2Fv1/gallery');
  });
});
