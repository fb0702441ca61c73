import { describe, expect, it } from 'vitest';
import { isRampartError } from '../../../shared/errors.js';
import { getParser, LOG_FORMATS } from './index.js';
import type { ParseResult } from './types.js';

const ctx = { service: 'svc', source: 'test', tokenKey: 'k' };

function event(result: ParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
  return result.event;
}

describe('jsonl', () => {
  it('finds the usual field names by default', () => {
    const e = event(
      getParser('jsonl').parse('{"ts":1718784000,"client_ip":"203.0.113.1","method":"GET","url":"/x?key=abc","status":404,"duration_ms":3.5,"msg":"not found","level":"warn","api_key":"sk_live_123","region":"eu"}', ctx),
    );
    expect(e).toMatchObject({ time: 1718784000000, ip: '203.0.113.1', path: '/x', status: 404, durationMs: 3.5, message: 'not found', level: 'warn' });
    expect(e.fields).toEqual({});
    expect(JSON.stringify(e)).not.toContain('sk_live_123');
  });

  it('follows a mapping of dotted paths; other mapped names become fields, tokens are hashed', () => {
    const parser = getParser('jsonl', {
      fields: { time: '@timestamp', ip: 'http.client.ip', path: 'http.path', status: 'http.status', token: 'auth.token', tenant: 'ctx.tenant', region: 'meta.region' },
    });
    const e = event(
      parser.parse('{"@timestamp":"2024-06-19T08:00:00Z","http":{"client":{"ip":"2001:db8::1"},"path":"/b","status":"201"},"auth":{"token":"0123456789abcdef0123"},"ctx":{"tenant":7},"meta":{"region":"eu-1"}}', ctx),
    );
    expect(e).toMatchObject({ time: Date.UTC(2024, 5, 19, 8), ip: '2001:db8::1', path: '/b', status: 201, tenant: '7', tokenPreview: '0123…23', fields: { region: 'eu-1' } });
    expect(JSON.stringify(e)).not.toContain('0123456789abcdef0123');
  });

  it('refuses a bad time and rejects an empty mapping path at start-up', () => {
    expect(getParser('jsonl').parse('{"time":"soon","status":200}', ctx)).toEqual({ ok: false, reason: 'bad time' });
    expect(() => getParser('jsonl', { fields: { ip: '' } })).toThrow(/jsonl field "ip"/);
  });
});

describe('regex', () => {
  it('compiles once and maps named groups; other groups become fields', () => {
    const parser = getParser('regex', {
      pattern: '^(?<time>\\S+) (?<ip>\\S+) (?<method>[A-Z]+) (?<path>\\S+) (?<status>\\d{3}) (?<duration_ms>[\\d.]+)ms tenant=(?<tenant>\\w+) shard=(?<shard>\\d+)$',
    });
    const e = event(parser.parse('2024-06-19T08:00:00Z 198.51.100.2 DELETE /bookings/9?signature=abc 204 12.5ms tenant=t1 shard=3', ctx));
    expect(e).toMatchObject({ time: Date.UTC(2024, 5, 19, 8), ip: '198.51.100.2', method: 'DELETE', path: '/bookings/9', status: 204, durationMs: 12.5, tenant: 't1', fields: { shard: '3' } });
    expect(parser.parse('something else', ctx)).toEqual({ ok: false, reason: 'no match' });
  });

  it('fails at start-up on a bad pattern or one without named groups', () => {
    expect(() => getParser('regex', { pattern: '(' })).toThrow(/does not compile/);
    expect(() => getParser('regex', { pattern: '^(\\S+)$' })).toThrow(/no named groups/);
    expect(() => getParser('regex')).toThrow(/needs a pattern/);
  });
});

describe('getParser', () => {
  it('names the unknown format in a config error', () => {
    try {
      getParser('iis');
      expect.unreachable();
    } catch (error) {
      expect(isRampartError(error) && error.code).toBe('RAMPART_CONFIG');
      expect((error as Error).message).toContain('"iis"');
    }
  });

  it('knows every format the detector documents', () => {
    expect(LOG_FORMATS.sort()).toEqual(
      ['apache', 'apache-error', 'caddy', 'jsonl', 'laravel', 'nginx', 'nginx-error', 'nginx-json', 'regex', 'traefik', 'uvicorn', 'uvicorn-error'].sort(),
    );
  });
});
