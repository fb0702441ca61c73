import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '../../domain/request-event.js';
import { filterSchema } from '../../playbook/schema/filter.js';
import { requestEvent } from '../testing/events.js';
import { compileFilter } from './compile-filter.js';

const ROUTES = new Map([
  ['/api/v1/events/{token}/photos', 'event-api'],
  ['event-api', 'event-api'],
  ['/api/v1/gallery/{token}', 'gallery'],
  ['gallery', 'gallery'],
]);

/** The filter as a playbook would write it, parsed by the real schema and compiled. */
function filter(written: unknown): (event: Partial<RequestEvent>) => boolean {
  const compiled = compileFilter(filterSchema.parse(written), ROUTES, 'detection.rules[t].filter');
  return (overrides) => compiled(requestEvent(overrides));
}

/** Which of these events the filter lets through. */
const through = (written: unknown, events: Partial<RequestEvent>[]) => events.map(filter(written));

describe('filters: the short forms keep their meaning', () => {
  it('status classes and ranges, route names, methods, decisions', () => {
    const f = filter({ status: ['4xx', 503], route: ['gallery'], method: 'GET', decision: ['allowed', 'blocked'] });
    expect(f({ status: 404, route: '/api/v1/gallery/{token}' })).toBe(true);
    expect(f({ status: 503, route: '/api/v1/gallery/{token}', decision: 'blocked' })).toBe(true);
    expect(f({ status: 500, route: '/api/v1/gallery/{token}' })).toBe(false);
    expect(f({ status: 404, route: '/api/v1/events/{token}/photos' })).toBe(false);
    expect(f({ status: 404, route: '/api/v1/gallery/{token}', method: 'POST' })).toBe(false);
    expect(f({ status: 404, route: '/api/v1/gallery/{token}', decision: 'rate-limited' })).toBe(false);
  });

  it('path is a glob, message a substring, message_regex a regex, level without case, fields by equality', () => {
    expect(through({ path: '/api/*/photos' }, [{ path: '/api/v1/events/x/photos' }, { path: '/api/v1' }])).toEqual([
      true,
      false,
    ]);
    expect(through({ message: 'Join token' }, [{ message: 'Join token access denied' }, { message: 'join token' }, {}])).toEqual([
      true,
      false,
      false,
    ]);
    expect(through({ message_regex: '[Ll]ogin failed' }, [{ message: 'login failed for bob' }, { message: 'ok' }])).toEqual([
      true,
      false,
    ]);
    expect(through({ level: ['error'] }, [{ level: 'ERROR' }, { level: 'Error' }, { level: 'info' }])).toEqual([
      true,
      true,
      false,
    ]);
    expect(
      through({ fields: { reason: 'token_rate_limited', excess: 2 } }, [
        { fields: { reason: 'token_rate_limited', excess: 2 } },
        { fields: { reason: 'token_rate_limited' } },
      ]),
    ).toEqual([true, false]);
  });

  it('any other field with a value or a list is an equality', () => {
    expect(
      through({ host: ['a.example', 'b.example'], referer: 'https://evil.example/' }, [
        { host: 'b.example', fields: { referer: 'https://evil.example/' } },
        { host: 'c.example', fields: { referer: 'https://evil.example/' } },
        { host: 'a.example' },
      ]),
    ).toEqual([true, false, false]);
  });
});

describe('filters: matchers on any field', () => {
  it('contains, starts_with, ends_with and equals, each over a list, with and without case', () => {
    const ua = ['sqlmap/1.7', 'Mozilla/5.0 (Nikto)', 'Mozilla/5.0 Firefox', 'curl/8.0'];
    expect(through({ user_agent: { contains: ['sqlmap', 'nikto'] } }, ua.map((userAgent) => ({ userAgent })))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(
      through({ user_agent: { contains: ['SQLMAP', 'nikto'], ignore_case: true } }, ua.map((userAgent) => ({ userAgent }))),
    ).toEqual([true, true, false, false]);
    expect(through({ user_agent: { starts_with: ['curl/', 'python-'] } }, ua.map((userAgent) => ({ userAgent })))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(
      through({ path: { ends_with: ['.env', '/.git/config', '.PHP'], ignore_case: true } }, [
        { path: '/app/.env' },
        { path: '/x/.git/config' },
        { path: '/index.php' },
        { path: '/env' },
      ]),
    ).toEqual([true, true, true, false]);
    expect(through({ method: { equals: ['get'], ignore_case: true } }, [{ method: 'GET' }, { method: 'POST' }])).toEqual([
      true,
      false,
    ]);
  });

  it('regex lists: one match is enough; (?i) and ignore_case make it case-insensitive', () => {
    const paths = ['/search?q=1 UNION SELECT x', '/p?q=<script>alert(1)</script>', '/ok'];
    const events = paths.map((path) => ({ path }));
    expect(through({ path: { regex: ['union\\s+select', '<script'] } }, events)).toEqual([false, true, false]);
    expect(through({ path: { regex: ['(?i)union\\s+select', '<script'] } }, events)).toEqual([true, true, false]);
    expect(through({ path: { regex: ['union\\s+select'], ignore_case: true } }, events)).toEqual([true, false, false]);
  });

  it('glob lists cover the whole value', () => {
    expect(
      through({ path: { glob: ['/wp-*', '*.php'] } }, [{ path: '/wp-login' }, { path: '/a/b.php' }, { path: '/a/b.php5' }]),
    ).toEqual([true, true, false]);
  });

  it('status takes a matcher too (its text), and a field the event lacks never matches', () => {
    expect(through({ status: { starts_with: '4' } }, [{ status: 404 }, { status: 500 }])).toEqual([true, false]);
    expect(through({ tenant: { contains: 'acme' } }, [{ tenant: null }, { tenant: 'acme-co' }])).toEqual([false, true]);
    expect(through({ query: { contains: 'x' } }, [{}])).toEqual([false]);
  });
});

describe('filters: groups', () => {
  it('not excludes, e.g. static files from a crawl rule', () => {
    const f = { status: [404], not: { path: { ends_with: ['.css', '.js', '.png'], ignore_case: true } } };
    expect(through(f, [{ status: 404, path: '/admin' }, { status: 404, path: '/app.JS' }, { status: 200, path: '/admin' }])).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('any needs one member, all needs every member; they nest', () => {
    const f = {
      any: [
        { user_agent: { contains: ['sqlmap'] } },
        { all: [{ status: 404 }, { path: { starts_with: '/wp-' } }] },
      ],
    };
    expect(
      through(f, [
        { userAgent: 'sqlmap/1.7', status: 200 },
        { status: 404, path: '/wp-admin' },
        { status: 200, path: '/wp-admin' },
        { status: 404, path: '/api' },
      ]),
    ).toEqual([true, true, false, false]);
  });
});

describe('filters: errors at compile time', () => {
  it('refuses an unknown route and a dangerous regex, naming the rule and the field', () => {
    expect(() => filter({ route: ['nope'] })).toThrow(/detection\.rules\[t\]\.filter\.route: unknown route "nope"/);
    expect(() => filter({ path: { regex: ['(a+)+$'] } })).toThrow(
      /detection\.rules\[t\]\.filter\.path\.regex: expected a regex without a repetition inside a repetition/,
    );
  });

  it('a matcher names exactly one operation', () => {
    expect(() => filterSchema.parse({ path: { contains: 'a', starts_with: 'b' } })).toThrow(
      /exactly one of equals, contains, starts_with, ends_with, regex, glob, cidr \(got contains and starts_with\)/,
    );
  });
});
