import type { ChecklistItem, Covered, Incident, TimelineEntry } from '../api/types.js';

export const NOW = Date.parse('2026-03-02T09:30:00.000Z');
export const iso = (minutesFromNow: number): string => new Date(NOW + minutesFromNow * 60_000).toISOString();

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-7',
    title: 'Join-token enumeration from one network: 203.0.113.0/24',
    service: 'guest-api',
    severity: 'SEV-2',
    severityRank: 2,
    status: 'triggered',
    fingerprint: 'token-enumeration:203.0.113.0/24',
    correlationKey: 'type:brute-force:203.0.113.0/24',
    type: 'brute-force',
    commander: null,
    scope: {
      tenants: [],
      events: ['evt-1'],
      ips: ['203.0.113.7'],
      tokenPreviews: ['evt-…4e'],
      tokens: ['hash-of-evt-token'],
    },
    createdAt: iso(-20),
    updatedAt: iso(-1),
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    ...overrides,
  };
}

export function step(overrides: Partial<ChecklistItem> = {}): ChecklistItem {
  return {
    incidentId: 'INC-7',
    stepId: 'assess-scope',
    phase: 'First 15 minutes',
    title: 'Assess scope',
    automatic: null,
    position: 0,
    deadline: iso(5),
    status: 'pending',
    completedAt: null,
    completedBy: null,
    note: null,
    ...overrides,
  };
}

export function mitigation(overrides: Partial<Covered> = {}): Covered {
  return {
    id: 'mit-1',
    service: 'guest-api',
    kind: 'block',
    target: '203.0.113.0/24',
    reason: 'rule token-enumeration',
    author: 'detector',
    incidentId: 'INC-7',
    createdAt: iso(-19),
    expiresAt: iso(40),
    liftedAt: null,
    liftedBy: null,
    data: {},
    enforcement: {
      enforced: true,
      summary: 'gateway guest-api@edge-1:7',
      points: [
        {
          pointKind: 'gateway',
          pointName: 'guest-api@edge-1:7',
          state: 'enforcing',
          since: iso(-19),
          lastHeardAt: iso(-0.1),
          endedAt: null,
          detail: null,
        },
      ],
    },
    ...overrides,
  };
}

export function entry(overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: 1,
    incidentId: 'INC-7',
    at: iso(-20),
    actor: 'detector',
    kind: 'signal',
    summary: 'signal token-enumeration',
    data: {},
    ...overrides,
  };
}
