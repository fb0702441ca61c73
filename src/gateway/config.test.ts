import { describe, expect, it } from 'vitest';
import { compileGatewayConfig, type GatewayConfigInput } from './config.js';

const base: GatewayConfigInput = {
  service: {
    name: 'fotospiel',
    upstream: { url: 'http://127.0.0.1:8000/app/' },
    routes: [
      { name: 'events', pattern: '/api/v1/events/{token}/*' },
      { name: 'photo', pattern: '/api/v1/events/{token}/photos/{id}' },
      { name: 'health', pattern: '/health' },
    ],
  },
};

function withGateway(gateway: NonNullable<GatewayConfigInput['gateway']>): GatewayConfigInput {
  return { ...base, gateway };
}

describe('compileGatewayConfig', () => {
  it('takes durations as text or as the milliseconds the playbook loader already parsed', () => {
    const fromText = compileGatewayConfig(
      withGateway({ rate_limits: [{ name: 'x', key: 'ip', limit: 5, window: '90s' }] }),
    );
    const fromMs = compileGatewayConfig(
      withGateway({ rate_limits: [{ name: 'x', key: 'ip', limit: 5, window: 90_000 }] }),
    );
    expect(fromMs.limits[0]?.windowMs).toBe(90_000);
    expect(fromMs.limits[0]?.policy).toBe(fromText.limits[0]?.policy);
  });

  it('compiles routes into one matcher, first declared route first', () => {
    const c = compileGatewayConfig(base);
    expect(c.upstream).toEqual({ origin: 'http://127.0.0.1:8000', basePath: '/app', timeoutMs: 30_000 });
    expect(c.matcher.match('/api/v1/events/abc/photos/7')).toEqual({ index: 0, params: ['abc'] });
    expect(c.matcher.match('/api/v1/events/abc')).toEqual({ index: 0, params: ['abc'] });
    expect(c.matcher.match('/health')).toEqual({ index: 2, params: [] });
    expect(c.matcher.match('/health/x')).toBeNull();
    expect(c.matcher.match('/api/v1/events//x')).toBeNull();
  });

  it('compiles trusted proxies with the header each writes, X-Forwarded-For for the plain form', () => {
    const config = compileGatewayConfig(withGateway({ trusted_proxies: ['127.0.0.1',
      { cidr: '10.0.0.0/8', header: 'forwarded' }, { cidr: '::ffff:192.168.0.0/112', header: 'x-real-ip' }] }));
    expect([...config.trustedProxies.entries()]).toEqual([['127.0.0.1/32', 'x-forwarded-for'],
      ['10.0.0.0/8', 'forwarded'], ['192.168.0.0/16', 'x-real-ip']]);
  });

  it('builds the RateLimit-Policy member once', () => {
    const c = compileGatewayConfig(
      withGateway({
        rate_limits: [{ name: 'per-ip', key: 'ip', limit: 100, window: '1m', routes: ['events'] }],
      }),
    );
    expect(c.limits[0]).toMatchObject({
      policy: '"per-ip";q=100;w=60',
      windowMs: 60_000,
      burst: 0,
      ietf: true,
    });
    expect(c.routes[0]?.limits).toHaveLength(1);
    expect(c.routes[2]?.limits).toHaveLength(0);
    expect(c.unmatchedLimits).toHaveLength(0);
  });

  it.each([
    [
      'a bad pattern',
      { ...base, service: { ...base.service, routes: [{ name: 'r', pattern: '/a/*/b' }] } },
      /route "r": pattern "\/a\/\*\/b" may only end with "\*"/,
    ],
    [
      'a bad CIDR',
      withGateway({ trusted_proxies: ['10.0.0.0/33'] }),
      /gateway.trusted_proxies\[0\]: "10.0.0.0\/33"/,
    ],
    [
      'a bad CIDR in the object form',
      withGateway({ trusted_proxies: [{ cidr: '10.0.0.0/33', header: 'forwarded' }] }),
      /gateway.trusted_proxies\[0\].cidr: "10.0.0.0\/33"/,
    ],
    [
      'a header no proxy writes',
      withGateway({ trusted_proxies: [{ cidr: '10.0.0.0/8', header: 'x-client-ip' as 'forwarded' }] }),
      /gateway.trusted_proxies\[0\].header: "x-client-ip" is not one of x-forwarded-for, forwarded, x-real-ip/,
    ],
    [
      'an unknown route',
      withGateway({ exempt_routes: ['nope'] }),
      /gateway.exempt_routes\[0\]: names unknown route "nope"/,
    ],
    [
      'a bad window',
      withGateway({ rate_limits: [{ name: 'x', key: 'ip', limit: 1, window: 'soon' }] }),
      /gateway.rate_limits\[0\].window: "soon" is not a duration/,
    ],
    [
      'a window of zero milliseconds',
      withGateway({ rate_limits: [{ name: 'x', key: 'ip', limit: 1, window: 0 }] }),
      /gateway.rate_limits\[0\].window: "0" is not a duration/,
    ],
    [
      'a negative window',
      withGateway({ rate_limits: [{ name: 'x', key: 'ip', limit: 1, window: -5 }] }),
      /gateway.rate_limits\[0\].window: "-5" is not a duration/,
    ],
    [
      'an infinite retry-after',
      withGateway({ maintenance: { retry_after: Infinity } }),
      /gateway.maintenance.retry_after: "Infinity" is not a duration/,
    ],
    [
      'a bad key',
      withGateway({ rate_limits: [{ name: 'x', key: 'cookie' as 'ip', limit: 1, window: '1s' }] }),
      /rate_limits\[0\].key: "cookie"/,
    ],
    [
      'a path token on a route without {token}',
      withGateway({ tokens: [{ name: 't', in: 'path', routes: ['health'] }] }),
      /route "health" has no \{token\} parameter/,
    ],
    [
      'a missing JWT secret',
      withGateway({
        tokens: [{ name: 'j', in: 'jwt', verify: { algorithms: ['HS256'], secret_env: 'NOPE' } }],
      }),
      /environment variable NOPE is not set/,
    ],
    [
      'a duplicate limit',
      withGateway({
        rate_limits: [
          { name: 'x', key: 'ip', limit: 1, window: '1s' },
          { name: 'x', key: 'ip', limit: 1, window: '1s' },
        ],
      }),
      /"x" is declared twice/,
    ],
  ])('fails at start-up on %s, naming it', (_what, input, message) => {
    expect(() => compileGatewayConfig(input, {})).toThrow(message);
  });
});
