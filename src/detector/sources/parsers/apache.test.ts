import { describe, expect, it } from 'vitest';
import { getParser } from './index.js';

const ctx = { service: 'svc', source: 'test', tokenKey: 'k' };

describe('apache', () => {
  const parser = getParser('apache');
  it('reads the combined example from the Apache docs', () => {
    const result = parser.parse(
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
      ctx,
    );
    expect(result).toMatchObject({
      ok: true,
      event: {
        time: Date.UTC(2000, 9, 10, 20, 55, 36), method: 'GET', path: '/apache_pb.gif', status: 200, bytes: 2326,
        userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)', fields: { user: 'frank', referer: 'http://www.example.com/start.html' },
      },
    });
  });

  it('reads common log format, "-" bytes and \\" escapes', () => {
    expect(parser.parse('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 304 -', ctx)).toMatchObject({
      ok: true, event: { status: 304, bytes: null, userAgent: null },
    });
    expect(
      parser.parse('1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 5 "-" "evil \\"quoted\\" agent"', ctx),
    ).toMatchObject({ ok: true, event: { userAgent: 'evil \\"quoted\\" agent' } });
  });
});
