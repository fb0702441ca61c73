import type { ChecklistPhasePlan } from '../domain/checklist.js';
import type { NeverBlockList } from '../domain/never-block.js';
import type { SeverityLevel } from '../domain/severity.js';
import type { VerificationStep } from './verification-steps.js';

/**
 * What the desk needs to know about a protected service, distilled from its playbook. The desk depends on this
 * small shape rather than on the playbook format, so the format can grow without touching the desk.
 */
export interface ServicePolicy {
  name: string;
  title: string;
  scale: SeverityLevel[];
  defaultSeverity: string;
  checklist: ChecklistPhasePlan[];
  postmortemDueMs: number;
  postmortemSections: string[];
  /** Incident type name → its default severity, when the playbook gives one. */
  incidentTypes: Record<string, { title: string; severity: string | null }>;
  /**
   * How long after its last signal an open incident still takes the next signal with its correlation key;
   * undefined: no limit while it is open.
   */
  joinWindowMs?: number;
  /** What must hold before the incident may be resolved; none means the gate is open. */
  verification?: VerificationStep[];
  /** What no mitigation may touch (the playbook's never_block, compiled); none means nothing is protected. */
  neverBlock?: NeverBlockList;
}

export interface ServiceCatalog {
  get(name: string): ServicePolicy | undefined;
  list(): ServicePolicy[];
}

export function catalogOf(policies: readonly ServicePolicy[]): ServiceCatalog {
  const byName = new Map(policies.map((p) => [p.name, p]));
  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()],
  };
}
