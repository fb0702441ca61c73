import { findSeverity, type SeverityLevel } from '../domain/severity.js';
import { RampartError } from '../shared/errors.js';
import type { ServicePolicy } from './service-policy.js';

/** The named severity, else the incident type's default, else the playbook's default; checked against the scale. */
export function resolveSeverity(
  policy: ServicePolicy,
  name: string | undefined,
  type?: string,
): SeverityLevel {
  const wanted = name ?? (type ? policy.incidentTypes[type]?.severity : undefined) ?? policy.defaultSeverity;
  const level = findSeverity(policy.scale, wanted);
  if (!level) {
    const names = policy.scale.map((l) => l.name).join(', ');
    throw new RampartError(
      'RAMPART_UNKNOWN_SEVERITY',
      `severity "${wanted}" is not on ${policy.name}'s scale (${names})`,
      [{ path: 'severity', message: `expected one of: ${names}` }],
    );
  }
  return level;
}
