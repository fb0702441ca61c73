import type { ServicePolicy } from '../service-policy.js';

const MINUTE = 60_000;

/** A guest-api-like policy for desk tests, independent of the shipped playbook files. */
export const testPolicy: ServicePolicy = {
  name: 'guest-api',
  title: 'Guest API',
  scale: [
    { name: 'SEV-1', rank: 1 },
    { name: 'SEV-2', rank: 2 },
    { name: 'SEV-3', rank: 3 },
  ],
  defaultSeverity: 'SEV-3',
  checklist: [
    {
      name: 'First 15 minutes',
      timeBoxMs: 15 * MINUTE,
      steps: [
        { id: 'confirm-availability', title: 'Confirm availability', automatic: 'availability-check' },
        { id: 'snapshot-logs', title: 'Snapshot logs', automatic: 'evidence-snapshot' },
      ],
    },
    {
      name: 'Next 30 minutes',
      timeBoxMs: 30 * MINUTE,
      steps: [{ id: 'assess-scope', title: 'Assess scope', automatic: null }],
    },
  ],
  postmortemDueMs: 48 * 60 * MINUTE,
  postmortemSections: ['summary', 'timeline', 'root-cause', 'detection-gaps', 'follow-ups'],
  incidentTypes: { 'brute-force': { title: 'Abuse / brute force', severity: 'SEV-2' } },
};
