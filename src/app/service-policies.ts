import type { ServicePolicy, VerificationStep } from '../desk/index.js';
import type { NeverBlockList } from '../domain/never-block.js';
import { checklistPlan, postmortemDueMs, severityScale, type Playbook } from '../playbook/index.js';

const DEFAULT_SECTIONS = ['summary', 'timeline', 'root-cause', 'detection-gaps', 'follow-ups'];

/** Distils a playbook into what the desk needs. */
export function policyFromPlaybook(playbook: Playbook, neverBlock?: NeverBlockList): ServicePolicy {
  const incidentTypes: ServicePolicy['incidentTypes'] = {};
  for (const type of playbook.incident_types) {
    incidentTypes[type.name] = { title: type.title ?? type.name, severity: type.severity ?? null };
  }
  return {
    name: playbook.service.name,
    title: playbook.service.title ?? playbook.service.name,
    scale: severityScale(playbook),
    defaultSeverity: playbook.severity.default,
    checklist: checklistPlan(playbook),
    postmortemDueMs: postmortemDueMs(playbook),
    postmortemSections: playbook.postmortem?.sections ?? DEFAULT_SECTIONS,
    incidentTypes,
    ...(neverBlock ? { neverBlock } : {}),
    joinWindowMs: playbook.detection.join_window,
    verification: (playbook.verification?.steps ?? []).map((step): VerificationStep =>
      step.check === 'error_rate_baseline'
        ? {
            name: step.name,
            check: step.check,
            forMs: step.for,
            ...(step.routes ? { routes: step.routes } : {}),
          }
        : step,
    ),
  };
}
