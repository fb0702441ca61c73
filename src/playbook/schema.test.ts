import { describe, expect, it } from 'vitest';
import { parsePlaybook, formatPlaybookError } from './load.js';
import type { Playbook } from './schema.js';

const BASE = `rampart: 1
service:
  name: demo
  title: Demo
  upstream: { url: "https://api.example.test" }
  routes:
    - { name: api, pattern: "/api/{token}/*" }
    - { name: health, pattern: /health }
severity:
  scale: [{ name: P0, rank: 0 }, { name: P1, rank: 1 }]
  default: P1
checklist:
  phases:
    - { name: First, time_box: 15m, steps: [{ id: a, title: A }] }
`;

function parse(extra: string): Playbook {
  const result = parsePlaybook(BASE + extra, 'demo.yaml');
  if (!result.ok) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
  return result.playbook;
}

/** The base playbook with token locations in its service section, where they are declared. */
function withTokens(tokens: string, extra = ''): string {
  return BASE.replace('    - { name: health, pattern: /health }\n', `    - { name: health, pattern: /health }\n  tokens:\n${tokens}`) + extra;
}

function errors(extra: string): string[] {
  const result = parsePlaybook(BASE + extra, 'demo.yaml');
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.expected}`);
}

describe('parsed values', () => {
  it('fills the defaults a minimal playbook leaves out', () => {
    const p = parse('');
    expect(p.service.upstream.timeout).toBe(30_000);
    expect(p.detection).toEqual({
      sources: [{ kind: 'gateway' }],
      manual_checks: [],
      evidence_window: 900_000,
      join_window: 3_600_000,
      rules: [],
    });
    expect(p.comms).toEqual({ audiences: [], templates: [] });
    expect(p.incident_types).toEqual([]);
  });

  it('turns durations into milliseconds, status matchers into ranges and leak rates into per-second', () => {
    const p = parse(`detection:
  rules:
    - name: bucket
      filter: { status: ["5xx", ">=429", "400-403", 404] }
      trigger: { type: leaky_bucket, capacity: 20, leak: 30/m, blackhole: 1h30m }
    - name: share
      trigger: { type: ratio, share: 0.5, window: 1m }
`);
    const [bucket, share] = p.detection.rules;
    expect(bucket?.filter?.conditions[0]).toMatchObject({
      field: 'status',
      ranges: [
        { from: 500, to: 599 },
        { from: 429, to: 599 },
        { from: 400, to: 403 },
        { from: 404, to: 404 },
      ],
    });
    expect(bucket?.trigger).toEqual({
      type: 'leaky_bucket',
      capacity: 20,
      leak_per_second: 0.5,
      blackhole: 5_400_000,
    });
    expect(bucket?.quiet_period).toBe(600_000);
    expect(share?.trigger).toEqual({
      type: 'ratio',
      share: 0.5,
      window: 60_000,
      min_requests: 20,
      errors: { conditions: [{ field: 'status', op: 'status', ranges: [{ from: 500, to: 599 }], at: ['status'] }] },
    });
  });

  it('reads JWT claim names with their defaults and lowercases header names', () => {
    const result = parsePlaybook(
      withTokens(`    - { name: session, in: jwt, verify: { algorithms: [RS256], public_key_env: JWT_PUBLIC_KEY } }
    - { name: key, in: header, header: X-Api-Key }
`),
      'demo.yaml',
    );
    if (!result.ok) throw new Error(result.errors.map(formatPlaybookError).join('\n'));
    expect(result.playbook.service.tokens).toEqual([
      {
        name: 'session',
        in: 'jwt',
        header: 'authorization',
        claims: { jti: 'jti', subject: 'sub', issued_at: 'iat' },
        verify: { algorithms: ['RS256'], public_key_env: 'JWT_PUBLIC_KEY' },
      },
      { name: 'key', in: 'header', header: 'x-api-key' },
    ]);
  });
});

describe('value checks', () => {
  it('accepts IPv4 and IPv6 CIDRs and rejects bad prefixes and addresses', () => {
    expect(
      parse(`gateway: { trusted_proxies: ["10.0.0.0/8", "::1/128", "2001:db8::/32", "192.0.2.7"] }\n`).gateway
        ?.trusted_proxies,
    ).toHaveLength(4);
    expect(
      errors(`gateway: { trusted_proxies: ["10.0.0.0/33", "2001:db8::/129", "300.1.1.1/8", "10.0.0.0/"] }\n`),
    ).toEqual([
      'gateway.trusted_proxies[0]: an IPv4 or IPv6 address or CIDR such as 10.0.0.0/8 or ::1/128',
      'gateway.trusted_proxies[1]: an IPv4 or IPv6 address or CIDR such as 10.0.0.0/8 or ::1/128',
      'gateway.trusted_proxies[2]: an IPv4 or IPv6 address or CIDR such as 10.0.0.0/8 or ::1/128',
      'gateway.trusted_proxies[3]: an IPv4 or IPv6 address or CIDR such as 10.0.0.0/8 or ::1/128',
    ]);
  });

  it('reads a trusted proxy as a range or as a range and the header its proxy writes', () => {
    expect(
      parse(`gateway: { trusted_proxies: ["127.0.0.1/32", { cidr: 10.0.0.0/8, header: forwarded }, { cidr: "::1" }] }\n`)
        .gateway?.trusted_proxies,
    ).toEqual(['127.0.0.1/32', { cidr: '10.0.0.0/8', header: 'forwarded' }, { cidr: '::1', header: 'x-forwarded-for' }]);
    expect(errors(`gateway: { trusted_proxies: [{ cidr: 10.0.0.0/8, header: x-client-ip }] }\n`).join('\n'))
      .toMatch(/trusted_proxies\[0\]/);
  });

  it('requires regexes that compile, and a pattern for regex log sources', () => {
    expect(
      errors(`detection:
  sources:
    - { kind: log, path: app.log, format: regex }
    - { kind: log, path: b.log, format: regex, pattern: "(unclosed" }
`),
    ).toEqual([
      'detection.sources[0].pattern: a `pattern` for a source of format regex',
      'detection.sources[1].pattern: a JavaScript regular expression that compiles',
    ]);
  });

  it('checks path tokens against the route placeholders and JWT verification keys', () => {
    const result = parsePlaybook(
      withTokens(`    - { name: t, in: path, routes: [health] }
    - { name: s, in: jwt, verify: { algorithms: [HS256] } }
`),
      'demo.yaml',
    );
    expect(result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.expected}`)).toEqual([
      'service.tokens[0].routes[0]: a route whose pattern has a {token} segment',
      'service.tokens[1].verify: exactly one of secret_env or public_key_env',
    ]);
  });

  it('refuses token locations in the gateway section: they are said once, in service.tokens', () => {
    expect(errors(`gateway:\n  tokens:\n    - { name: t, in: path, routes: [api] }\n`)).toEqual([
      'gateway.tokens: no tokens here: token locations are declared once per service, in service.tokens (read by the gateway and the detector alike)',
    ]);
  });

  it('takes secrets only as environment variable names', () => {
    expect(
      errors(`comms:
  audiences:
    - { name: ops, channels: [{ type: slack, webhook_env: "https://hooks.slack.test/T000" }] }
`),
    ).toEqual([
      'comms.audiences[0].channels[0].webhook_env: an environment variable name such as SLACK_WEBHOOK_URL',
    ]);
  });

  it('matches severity names on the scale regardless of case, and rejects unknown ones', () => {
    expect(parse(`incident_types: [{ name: x, title: X, severity: p0 }]\n`).incident_types[0]?.severity).toBe(
      'p0',
    );
    expect(
      errors(`comms:
  audiences:
    - { name: ops, channels: [{ type: pagerduty, routing_key_env: PD_KEY }], when: { severities: [SEV-1] } }
`),
    ).toEqual([
      'comms.audiences[0].when.severities[0]: a severity on the scale defined in this playbook (P0, P1)',
    ]);
  });

  it('rejects a review due before it was last reviewed, and impossible dates', () => {
    expect(errors(`review: { last_reviewed: 2024-06-19, next_review_due: 2024-02-30 }\n`)).toEqual([
      'review.next_review_due: a real calendar date YYYY-MM-DD',
      'review.next_review_due: a date after last_reviewed (2024-06-19)',
    ]);
  });
});
