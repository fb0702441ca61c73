import type { ApiKey } from '../../domain/api-key.js';
import type { Mitigation } from '../../domain/mitigation.js';
import { emptyScope } from '../../domain/scope.js';
import type { NewIncident } from '../ports.js';

export const T0 = '2026-01-05T10:00:00.000Z';

/** T0 plus some minutes, as the ISO text the store keeps. */
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

let counter = 0;

/** A name no other test in the run uses, so tests sharing one store never see each other's rows. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export function newIncident(overrides: Partial<NewIncident> = {}): NewIncident {
  return {
    title: 'Join-token brute force',
    service: 'fotospiel',
    severity: 'SEV-2',
    severityRank: 2,
    status: 'triggered',
    fingerprint: 'brute-force:ip:203.0.113.7',
    type: 'brute-force',
    commander: null,
    scope: emptyScope(),
    createdAt: '2026-01-05T10:00:00.000Z',
    ...overrides,
  };
}

export function newMitigation(overrides: Partial<Mitigation> = {}): Mitigation {
  return {
    id: unique('mit'),
    service: 'fotospiel',
    kind: 'block',
    target: '203.0.113.0/24',
    reason: 'brute force on join tokens',
    author: 'cli:alice',
    incidentId: null,
    createdAt: '2026-01-05T10:00:00.000Z',
    expiresAt: null,
    liftedAt: null,
    liftedBy: null,
    data: {},
    ...overrides,
  };
}

export function newApiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: unique('key'),
    name: 'ops',
    role: 'responder',
    hash: unique('hash'),
    preview: 'rk_abcd',
    createdAt: '2026-01-05T10:00:00.000Z',
    revokedAt: null,
    ...overrides,
  };
}
