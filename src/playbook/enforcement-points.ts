import { bouncerCanCarry } from '../domain/enforcement.js';
import type { MitigationKind } from '../domain/mitigation.js';
import type { MitigationSpec, Playbook } from './schema.js';

/** The mitigation kind a playbook action records; undefined for actions that record none (manual, notify). */
export function kindOfAction(action: MitigationSpec['action']): MitigationKind | undefined {
  switch (action) {
    case 'throttle':
      return 'limit-override';
    case 'manual':
    case 'notify':
      return undefined;
    default:
      return action;
  }
}

/** Where a mitigation of this kind would take effect for this service, in words: "gateway", "hook nginx-deny". */
export function enforcementPointsFor(p: Playbook, kind: MitigationKind): string[] {
  const points: string[] = [];
  if (p.gateway) points.push('gateway');
  if (p.enforcement.bouncers && bouncerCanCarry(kind)) points.push('CrowdSec bouncers');
  for (const hook of p.enforcement.hooks)
    if (hook.kinds.includes(kind) && hook.on.includes('apply')) points.push(`hook ${hook.name}`);
  return points;
}

export interface EnforcementWarning {
  path: (string | number)[];
  message: string;
}

/** Why nothing would enforce a kind here: what is missing, for the warning. */
function missing(p: Playbook, kind: MitigationKind): string {
  const bouncers = !bouncerCanCarry(kind)
    ? `a bouncer cannot carry ${kind} (bouncers carry address and range blocks only)`
    : 'enforcement.bouncers is off';
  return `no gateway section, ${bouncers}, no hook for ${kind}`;
}

/**
 * Automatic mitigations that no enforcement point would carry: Rampart would record them and say so on the
 * timeline ("recorded but not enforced"), but nothing would stop the traffic.
 */
export function unenforcedAutomaticMitigations(p: Playbook): EnforcementWarning[] {
  const warnings: EnforcementWarning[] = [];
  p.detection.rules.forEach((rule, i) => {
    const m = rule.mitigation;
    if (!m?.automatic || rule.shadow) return;
    const kind = kindOfAction(m.action);
    if (kind === undefined || enforcementPointsFor(p, kind).length > 0) return;
    warnings.push({
      path: ['detection', 'rules', i, 'mitigation'],
      message: `rule ${rule.name} applies ${m.action} by itself, but nothing would enforce it (${missing(p, kind)}): it would be recorded but not enforced`,
    });
  });
  return warnings;
}
