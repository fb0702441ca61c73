import { describe, expect, it } from 'vitest';
import { formatPlaybookError, parsePlaybook } from './load.js';

const playbook = (clientLimits: string): string => `rampart: 1
service:
  name: demo
  title: Demo
  upstream: { url: http://127.0.0.1:9000 }
  routes:
    - { name: api, pattern: "/api/*" }
    - { name: health, pattern: /health }
gateway:
  exempt_routes: [health]
  client_limits: ${clientLimits}
severity:
  scale:
    - { name: SEV-1, rank: 1 }
  default: SEV-1
checklist:
  phases:
    - name: Immediate
      time_box: 15m
      steps: [{ id: look, title: Look }]
`;

function errors(clientLimits: string): string[] {
  const result = parsePlaybook(playbook(clientLimits), 'limits.yaml');
  return result.ok ? [] : result.errors.map(formatPlaybookError);
}

describe('gateway.client_limits in a playbook', () => {
  it('accepts every field, durations parsed to milliseconds', () => {
    const result = parsePlaybook(playbook(`{ header_timeout: 15s, body_idle_timeout: 30s, body_min_rate: 1000,
    body_prefetch: 32768, max_concurrent_per_ip: 300, max_concurrent_per_prefix: 1200, upstream_connections: 64,
    reserve_for_exempt: 4, upstream_queue: 256 }`), 'limits.yaml');
    expect(result.ok && result.playbook.gateway?.client_limits).toEqual({
      header_timeout: 15_000, body_idle_timeout: 30_000, body_min_rate: 1000, body_prefetch: 32768,
      max_concurrent_per_ip: 300, max_concurrent_per_prefix: 1200, upstream_connections: 64, reserve_for_exempt: 4,
      upstream_queue: 256,
    });
  });

  it('names the field, the line and what was expected', () => {
    expect(errors('{ header_timeout: 500ms, body_min_rate: -1, max_concurrent_per_ip: 1.5, upstream_queue: 1e9 }'))
      .toEqual([
        'limits.yaml:11 gateway.client_limits.header_timeout: expected a duration of at least 1s, got "500ms"',
        'limits.yaml:11 gateway.client_limits.body_min_rate: expected a number >= 1, got -1',
        'limits.yaml:11 gateway.client_limits.max_concurrent_per_ip: expected a whole number, got 1.5',
        'limits.yaml:11 gateway.client_limits.upstream_queue: expected a number <= 100000, got 1000000000',
      ]);
    expect(errors('{ body_idle_timeout: 2h }')).toEqual([
      'limits.yaml:11 gateway.client_limits.body_idle_timeout: expected a duration of at most 10m, got "2h"',
    ]);
    expect(errors('{ max_concurrent_per_ip: 10, header_timout: 5s }')[0]).toMatch(/header_timout.*header_timeout/);
  });

  it('refuses a reserve that leaves ordinary routes no connection, and a prefix cap below the address cap', () => {
    expect(errors('{ upstream_connections: 8, reserve_for_exempt: 8 }')).toEqual([
      'limits.yaml:11 gateway.client_limits.reserve_for_exempt: expected fewer than upstream_connections (8), so '
        + 'ordinary routes keep a connection, got 8',
    ]);
    expect(errors('{ max_concurrent_per_prefix: 100 }')).toEqual([
      'limits.yaml:11 gateway.client_limits.max_concurrent_per_prefix: expected at least max_concurrent_per_ip '
        + '(512): a prefix holds at least one address, got 100',
    ]);
  });
});
