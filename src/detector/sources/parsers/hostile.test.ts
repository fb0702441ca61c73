import { describe, expect, it } from 'vitest';
import { getParser, LOG_FORMATS } from './index.js';

const ctx = { service: 'svc', source: 'test', tokenKey: 'k', now: 1 };

const VALID: Record<string, string> = {
  nginx: '203.0.113.7 - - [19/Jun/2024:10:00:00 +0200] "GET /a HTTP/1.1" 200 5 "-" "ua" 0.001',
  'nginx-json': '{"time_iso8601":"2024-06-19T10:00:00+02:00","remote_addr":"1.2.3.4","request":"GET / HTTP/1.1","status":"200"}',
  'nginx-error': '2024/06/19 10:00:00 [error] 1#0: *5 limiting requests, excess: 1.000 by zone "api", client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"',
  apache: '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "ua"',
  'apache-error': '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:53912] AH00037: Symbolic link not allowed',
  caddy: '{"level":"info","ts":1718791200.12,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"1.2.3.4","method":"GET","host":"x","uri":"/"},"duration":0.001,"size":1,"status":200}',
  traefik: '{"ClientHost":"1.2.3.4","RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"Duration":1000,"StartUTC":"2024-06-19T08:00:00Z"}',
  laravel: '[2025-10-19 23:00:47] production.WARNING: Join token access denied {"ip":"203.0.113.7","token":"abcd…ef"} []',
  uvicorn: 'INFO:     127.0.0.1:54321 - "GET /bookings HTTP/1.1" 200 OK',
  'uvicorn-error': 'ERROR:    Exception in ASGI application',
  jsonl: '{"time":1718784000,"ip":"1.2.3.4","status":200}',
  regex: '1.2.3.4 GET /a 200',
};
const options = { pattern: '^(?<ip>\\S+) (?<method>[A-Z]+) (?<path>\\S+) (?<status>\\d{3})$' };

const MB = 1024 * 1024;
const hostile: [string, string][] = [
  ['empty', ''],
  ['blank', '   \t '],
  ['NUL bytes', 'abc\u0000def\u0000'],
  ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9b, 0x1b, 0x5b]).toString('latin1')],
  ['invalid UTF-8 garbage', Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]).toString('utf8')],
  ['1 MB line', 'a'.repeat(MB)],
  ['1 MB of quotes', '"'.repeat(MB)],
  ['deep JSON', '{"a":' + '['.repeat(60_000)],
];

describe('hostile input, every format', () => {
  for (const format of LOG_FORMATS) {
    const parser = getParser(format, options);
    it(`${format}: reads its valid line`, () => {
      expect(parser.parse(VALID[format] ?? '', ctx).ok).toBe(true);
    });

    it(`${format}: refuses hostile lines with a reason, quickly`, () => {
      for (const [name, line] of hostile) {
        const started = performance.now();
        const result = parser.parse(line, ctx);
        expect(result.ok, name).toBe(false);
        if (!result.ok) expect(result.reason, name).toMatch(/\w/);
        // A guard against catastrophic backtracking, which costs seconds on such lines — not a speed test: the bound
        // leaves room for a loaded CI machine.
        expect(performance.now() - started, name).toBeLessThan(1000);
      }
      expect(parser.parse('a'.repeat(MB), ctx)).toEqual({ ok: false, reason: 'line too long' });
      expect(parser.parse('', ctx)).toEqual({ ok: false, reason: 'empty line' });
      expect(parser.parse('x\u0000y', ctx)).toEqual({ ok: false, reason: 'binary data' });
    });

    it(`${format}: refuses every truncation of its valid line without throwing`, () => {
      const line = VALID[format] ?? '';
      for (let cut = 1; cut < line.length; cut++) {
        const result = parser.parse(line.slice(0, cut), ctx);
        expect(typeof result.ok).toBe('boolean');
      }
    });

    it(`${format}: stays fast on 60 KB near-miss lines built from its own syntax`, () => {
      const line = VALID[format] ?? '';
      for (const filler of [' ', '"', '\\', '[', '{', ' - "', ':', 'a ']) {
        const long = (line.slice(0, 30) + filler.repeat(60_000 / filler.length)).slice(0, 60_000);
        const started = performance.now();
        parser.parse(long, ctx);
        parser.parse(filler.repeat(60_000 / filler.length) + line, ctx);
        expect(performance.now() - started, JSON.stringify(filler)).toBeLessThan(1000);
      }
    });
  }
});
