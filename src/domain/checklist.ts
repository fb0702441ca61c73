/** One step of a playbook checklist, as tracked for one incident. */
export const CHECKLIST_STATUSES = ['pending', 'done', 'skipped', 'failed'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

export interface ChecklistItem {
  incidentId: string;
  stepId: string;
  phase: string;
  title: string;
  /** Name of the automatic action that runs this step by itself, or null for a human step. */
  automatic: string | null;
  position: number;
  deadline: string;
  status: ChecklistStatus;
  completedAt: string | null;
  completedBy: string | null;
  note: string | null;
}

export interface ChecklistPhasePlan {
  name: string;
  timeBoxMs: number;
  steps: { id: string; title: string; automatic: string | null }[];
}

/**
 * Phases are consecutive time boxes ("first 15 minutes", then "next 30 minutes"): a step's deadline is the
 * incident's start plus the time boxes of its phase and every phase before it.
 */
export function planChecklist(
  incidentId: string,
  startedAt: Date,
  phases: readonly ChecklistPhasePlan[],
): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  let elapsed = 0;
  let position = 0;
  for (const phase of phases) {
    elapsed += phase.timeBoxMs;
    const deadline = new Date(startedAt.getTime() + elapsed).toISOString();
    for (const step of phase.steps) {
      items.push({
        incidentId,
        stepId: step.id,
        phase: phase.name,
        title: step.title,
        automatic: step.automatic,
        position: position++,
        deadline,
        status: 'pending',
        completedAt: null,
        completedBy: null,
        note: null,
      });
    }
  }
  return items;
}

export function isOverdue(item: ChecklistItem, now: Date): boolean {
  return item.status === 'pending' && Date.parse(item.deadline) < now.getTime();
}
