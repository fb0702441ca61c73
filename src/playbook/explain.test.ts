import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainPlaybook } from './explain.js';
import { loadPlaybook } from './load.js';
import type { Playbook } from './schema.js';

const PLAYBOOKS = resolve(import.meta.dirname, '../../playbooks');

async function shipped(file: string): Promise<Playbook> {
  const result = await loadPlaybook(resolve(PLAYBOOKS, file));
  if (!result.ok) throw new Error(`${file} does not load`);
  return result.playbook;
}

describe('explainPlaybook', () => {
  it('says what the gateway, rules, checklist and comms will do for guest-api', async () => {
    const text = explainPlaybook(
      await shipped('fotospiel-public-api.yaml'),
      new Date('2025-11-01T00:00:00Z'),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('guest-api — Fotospiel public API (SEC-API-02)');
    expect(text).toContain('Upstream: http://127.0.0.1:8081 (timeout 30s)');
    expect(text).toContain('Token join-token: read from the {token} path segment of event-api, gallery');
    expect(text).toContain(
      'Limit per-ip: 1500 requests per 1m per ip on event-api, gallery, signed-download (+300 burst); headers ietf, x-ratelimit',
    );
    expect(text).toContain(
      'Rule token-enumeration [SEV-2, brute-force]: fires when 20 or more distinct token per ip_prefix within 5m, counting only token values never seen on an event with status 2xx, among status 401, 403, 404, on event-api, gallery from gateway.',
    );
    // A leak is told by where the token is used, not by how many guests use it.
    expect(text).toContain(
      'Rule token-leak [SEV-1, token-compromise]: fires when 30 or more distinct ip per token+ip_prefix within 10m',
    );
    expect(text).toContain('ip in any of list lists/datacentre-ranges.txt');
    expect(text).toContain(
      'Token join-token-q: read from query parameter "token" (by the gateway and in logged requests alike)',
    );
    expect(text).toContain('then automatically: block the client IP prefix (/24, /64) for 1h');
    expect(text).toContain(
      'Greedy clients: 429 beyond 512 requests in progress per address, 2048 per /24 or /64 (exempt routes not counted)',
    );
    expect(text).toContain('Upstream: 128 connections, 8 of them kept for health; 503 when 1024 more are waiting');
    expect(text).toContain('Rule join-token-denied [SEV-3, brute-force] (shadow: records only)');
    expect(text).toContain('1. Immediate response: 15m (due 15m after start)');
    expect(text).toContain(
      'tenants: e-mail to affected tenants (public-gallery-disruption) — SEV-1/SEV-2, on mitigated, immediately, after a person approves',
    );
    expect(text).toContain('Post-mortem due 2d after resolution');
    expect(text).toContain(
      'Review: reviewed quarterly; last reviewed 2025-10-19; next review due 2026-01-19.',
    );
  });

  it('flags an overdue review with the days it is late', async () => {
    const p = await shipped('6fb-booking.yaml');
    expect(explainPlaybook(p, new Date('2024-09-01T12:00:00Z'))).toContain('next review due 2024-09-19.');
    expect(explainPlaybook(p, new Date('2024-10-19T12:00:00Z'))).toContain(
      'next review was due 2024-09-19 — OVERDUE by 30 day(s).',
    );
  });

  it('shows the 6FB time boxes, the session revocation and the business-hours audience', async () => {
    const text = explainPlaybook(await shipped('6fb-booking.yaml'), new Date('2024-07-01T00:00:00Z'));
    expect(text).toContain('2. Investigation: 30m (due 45m after start)');
    expect(text).toContain('revoke every session issued before now (no secret rotation)');
    expect(text).toContain(
      'team: Slack #booking-incidents — P2/P3, on opened, mitigated, resolved, postmortem_due, during business hours',
    );
    expect(text).toContain('p95 latency above 1.5s over 5m');
  });
});
