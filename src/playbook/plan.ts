import type { ChecklistPhasePlan } from '../domain/checklist.js';
import type { SeverityLevel } from '../domain/severity.js';
import type { Playbook } from './schema.js';

/** The playbook's scale as the desk uses it, most severe first. */
export function severityScale(p: Playbook): SeverityLevel[] {
  return p.severity.scale.map(({ name, rank }) => ({ name, rank })).sort((a, b) => a.rank - b.rank);
}

/** The checklist as consecutive time boxes, ready for `planChecklist`. */
export function checklistPlan(p: Playbook): ChecklistPhasePlan[] {
  return p.checklist.phases.map((phase) => ({
    name: phase.name,
    timeBoxMs: phase.time_box,
    steps: phase.steps.map((step) => ({ id: step.id, title: step.title, automatic: step.automatic ?? null })),
  }));
}

/** How long after resolution the post-mortem is due; 48 h (the fotospiel seed's RCA deadline) when unset. */
export const DEFAULT_POSTMORTEM_DUE_MS = 48 * 3_600_000;

export function postmortemDueMs(p: Playbook): number {
  return p.postmortem?.due ?? DEFAULT_POSTMORTEM_DUE_MS;
}

/** The severity a signal of this rule opens with: the rule's, else its incident type's, else the default. */
export function ruleSeverity(p: Playbook, ruleName: string): string {
  const rule = p.detection.rules.find((r) => r.name === ruleName);
  const type = rule?.incident_type ? p.incident_types.find((t) => t.name === rule.incident_type) : undefined;
  return rule?.severity ?? type?.severity ?? p.severity.default;
}
