import type { Incident } from '../../domain/incident.js';
import type { NotifyMessage } from '../message.js';
import { summarize } from '../compose-message.js';

export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-7',
    title: 'Join-token brute force from 203.0.113.0/24',
    service: 'fotospiel',
    severity: 'SEV-2',
    severityRank: 2,
    status: 'triggered',
    fingerprint: 'brute-force:ip_prefix:203.0.113.0/24',
    correlationKey: 'type:brute-force:203.0.113.0/24',
    type: 'brute-force',
    commander: 'alice',
    scope: { tenants: ['acme'], events: ['summer-party'], ips: ['203.0.113.7'], tokenPreviews: ['jt_ab12'], tokens: [] },
    createdAt: '2026-01-05T10:00:00.000Z',
    updatedAt: '2026-01-05T10:00:00.000Z',
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    ...overrides,
  };
}

export function sampleMessage(
  overrides: Partial<NotifyMessage> = {},
  incident: Incident = sampleIncident(),
): NotifyMessage {
  return {
    deliveryId: `${incident.id}:opened:on-call:0-slack`,
    event: 'opened',
    headline: `[${incident.id}] ${incident.severity} opened: ${incident.title}`,
    text: `${incident.severity} opened: ${incident.title}`,
    incident: summarize(incident),
    links: [{ label: `${incident.id} in Rampart`, url: `https://rampart.example/incidents/${incident.id}` }],
    pagerduty: { action: 'trigger', severity: 'error' },
    ...overrides,
  };
}
