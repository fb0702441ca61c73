import { describe, expect, it } from 'vitest';
import { canonicalPath } from './canonical-path.js';

const path = (raw: string): string | null => {
  const c = canonicalPath(raw);
  return c.ok ? c.path : null;
};
const refusal = (raw: string): string | null => {
  const c = canonicalPath(raw);
  return c.ok ? null : c.reason;
};

describe('canonicalPath', () => {
  it('leaves a plain path as it is', () => {
    for (const p of ['/', '/health', '/api/v1/events/jtAbc123/photos', '/a/b/', '/a...b/c', '/x.json']) {
      expect(path(p)).toBe(p);
    }
  });

  it('decodes unreserved escapes, keeps the others in upper case', () => {
    expect(path('/api/v1/%67allery/t/photos')).toBe('/api/v1/gallery/t/photos');
    expect(path('/auth/%6Cogin')).toBe('/auth/login');
    expect(path('/a/%7e%2D%5F%2e%41')).toBe('/a/~-_.A');
    expect(path('/a/%3a%40%25%20b')).toBe('/a/%3A%40%25%20b');
    expect(path('/caf%c3%a9')).toBe('/caf%C3%A9');
  });

  it('removes dot segments, encoded ones too, never above the root, and merges slashes', () => {
    expect(path('/api/v1/events/x/../../gallery/t')).toBe('/api/v1/gallery/t');
    expect(path('/a/./b/%2e/c/%2E%2e/d')).toBe('/a/b/d');
    expect(path('/../../etc/passwd')).toBe('/etc/passwd');
    expect(path('/a/..')).toBe('/');
    expect(path('/a/b/.')).toBe('/a/b/');
    expect(path('//api///v1//gallery/t/')).toBe('/api/v1/gallery/t/');
    expect(path('/.well-known/x')).toBe('/.well-known/x');
  });

  it('encodes raw high bytes as node:http hands them over (latin1 characters)', () => {
    expect(path(`/caf${String.fromCharCode(0xc3, 0xa9)}`)).toBe('/caf%C3%A9');
  });

  it('refuses what an app could read differently', () => {
    expect(refusal('/a%2Fb')).toBe('encoded-separator');
    expect(refusal('/a%2fb')).toBe('encoded-separator');
    expect(refusal('/a%5Cb')).toBe('encoded-separator');
    expect(refusal('/a\\b')).toBe('backslash');
    expect(refusal('/a%00b')).toBe('control-character');
    expect(refusal('/a%0ab')).toBe('control-character');
    expect(refusal('/a\u0001b')).toBe('control-character');
    expect(refusal('/a%zz')).toBe('bad-percent-encoding');
    expect(refusal('/a%4')).toBe('bad-percent-encoding');
    expect(refusal('/a%')).toBe('bad-percent-encoding');
    expect(refusal('/a%C0%AF')).toBe('invalid-utf8');
    expect(refusal('/a%C3')).toBe('invalid-utf8');
    expect(refusal('/a%ff/b')).toBe('invalid-utf8');
    expect(refusal(`/caf${String.fromCharCode(0xe9)}`)).toBe('invalid-utf8');
    expect(refusal('*')).toBe('not-origin-form');
    expect(refusal('http://a/b')).toBe('not-origin-form');
  });
});
