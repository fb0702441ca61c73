import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appPath } from '../../test/support/decoding-app.js';
import { canonicalPath } from '../shared/http/canonical-path.js';
import { compileRouteMatcher } from './route-matcher.js';

/** The shipped playbooks' routes (fotospiel-public-api.yaml, 6fb-booking.yaml) and one literal with sub-delims. */
const ROUTES = [
  { name: 'event-api', pattern: '/api/v1/events/{token}/*' },
  { name: 'gallery', pattern: '/api/v1/gallery/{token}/*' },
  { name: 'signed-download', pattern: '/api/v1/downloads/*' },
  { name: 'auth-login', pattern: '/auth/login' },
  { name: 'auth', pattern: '/auth/*' },
  { name: 'sync-status', pattern: '/sync-status' },
  { name: 'dashboard', pattern: '/dashboard/*' },
  { name: 'health', pattern: '/health' },
  { name: 'admin-export', pattern: "/admin/export:all/{id}" },
];
const matcher = compileRouteMatcher(ROUTES);
const routeOf = (path: string): string | null => {
  const m = matcher.match(path);
  return m === null ? null : (ROUTES[m.index]?.name ?? null);
};

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const tokenArb = fc.string({ unit: fc.constantFrom(...UNRESERVED.replace('.', '')), minLength: 1, maxLength: 40 });
const segmentArb = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_~.'), minLength: 1, maxLength: 8 })
  .filter((s) => s !== '.' && s !== '..');

/** Paths the app routes to a guarded route, as the app sees them (decoded, normalised). */
const guardedArb = fc.oneof(
  fc.tuple(fc.constantFrom('events', 'gallery'), tokenArb, fc.array(segmentArb, { maxLength: 3 }))
    .map(([kind, token, rest]) => ({ path: `/api/v1/${kind}/${token}${rest.map((s) => `/${s}`).join('')}`, token })),
  fc.constantFrom('/auth/login', '/sync-status', '/health', '/dashboard/x', '/api/v1/downloads/p/1', '/admin/export:all/7')
    .map((path) => ({ path, token: null })),
);

function encode(c: string, lower: boolean): string {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${lower ? hex : hex.toUpperCase()}`;
}

/**
 * One way a client can write that path so the app still routes it there: characters percent-encoded (any case),
 * repeated slashes, "." segments, "x/.." detours (encoded dots too), a trailing slash.
 */
const obfuscatedArb = guardedArb.chain(({ path, token }) => {
  const segments = path.slice(1).split('/');
  return fc.tuple(
    fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: path.length, maxLength: path.length }),
    fc.array(fc.constantFrom('', '/', './', '%2e/', 'zz/../', 'q/%2E%2e/', '//'), { minLength: segments.length,
      maxLength: segments.length }),
    fc.boolean(),
  ).map(([encodings, detours, trailing]) => {
    let i = 0;
    const written = segments.map((segment, s) => {
      const chars = [...segment].map((c) => {
        const [enc, lower] = encodings[i++] ?? [false, false];
        return enc ? encode(c, lower) : c;
      });
      return `${detours[s] ?? ''}${chars.join('')}`;
    });
    return { raw: `/${written.join('/')}${trailing ? '/' : ''}`, path, token };
  });
});

describe('the canonical path (property, fast-check)', () => {
  it('judges every path the app routes to a guarded route as that route, with the same token', () => {
    fc.assert(
      fc.property(obfuscatedArb, ({ raw, path, token }) => {
        expect(appPath(raw)).toBe(path);
        const canonical = canonicalPath(raw);
        expect(canonical.ok).toBe(true);
        if (!canonical.ok) return;
        expect(routeOf(canonical.path)).toBe(routeOf(path));
        if (token !== null) {
          const m = matcher.match(canonical.path);
          expect(decodeURIComponent(m?.params[0] ?? '')).toBe(token);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('either refuses a path or routes it where the app does, whatever the client writes', () => {
    const pieces = fc.constantFrom('/', '//', '.', '..', '%2e', '%2E', '%2f', '%5c', '\\', '%00', '%', '%4', '%zz',
      '%25', '%41', '%c3%a9', '%C0%AF', '%ff', 'api', 'v1', 'events', 'gallery', 'auth', 'login', 'l', '%6c',
      '%6C', 'ogin', 'health', 'tok', ':', '%3a', '%3A', 'export', 'all', 'admin', ';', '@', '~', 'é');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 14 }), (parts) => {
        const raw = `/${parts.join('')}`;
        const canonical = canonicalPath(raw);
        if (!canonical.ok) return;
        const decoded = appPath(raw);
        // The app refuses what it cannot decode; then nothing reaches a route.
        if (decoded === null) return;
        expect(routeOf(canonical.path), `${raw} → ${canonical.path} / app ${decoded}`).toBe(routeOf(decoded));
      }),
      { numRuns: 5000 },
    );
  });

  it('is idempotent: the canonical form of a canonical path is itself', () => {
    fc.assert(
      fc.property(obfuscatedArb, ({ raw }) => {
        const once = canonicalPath(raw);
        if (!once.ok) return;
        expect(canonicalPath(once.path)).toEqual(once);
      }),
      { numRuns: 1000 },
    );
  });
});
