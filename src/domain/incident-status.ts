/**
 * The incident lifecycle. Forward moves may skip a step (a false alarm can be resolved straight from
 * "triggered"), but nothing reaches "closed" without being "resolved" first, and a resolved incident can be
 * reopened (back to "acknowledged") until it is closed. "closed" is final.
 */
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

const ALLOWED: Record<IncidentStatus, readonly IncidentStatus[]> = {
  triggered: ['acknowledged', 'mitigated', 'resolved'],
  acknowledged: ['mitigated', 'resolved'],
  mitigated: ['resolved'],
  resolved: ['closed', 'acknowledged'],
  closed: [],
};

export function allowedTransitions(from: IncidentStatus): readonly IncidentStatus[] {
  return ALLOWED[from];
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Open means a signal with the same correlation key joins it instead of opening a new incident. */
export function isOpen(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}

export function isIncidentStatus(value: string): value is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(value);
}
