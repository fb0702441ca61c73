/** A level of a playbook's severity scale. Rank 0 or 1 is the most severe; a higher rank is less severe. */
export interface SeverityLevel {
  name: string;
  rank: number;
}

export function findSeverity(scale: readonly SeverityLevel[], name: string): SeverityLevel | undefined {
  const wanted = name.toLowerCase();
  return scale.find((level) => level.name.toLowerCase() === wanted);
}

/** True when `a` is more severe than `b`. */
export function isMoreSevere(a: SeverityLevel, b: SeverityLevel): boolean {
  return a.rank < b.rank;
}

/** The common four-level vocabulary of alerting tools (PagerDuty, Alertmanager labels). */
export const ALERT_LEVELS = ['critical', 'error', 'warning', 'info'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/**
 * Maps an alerting tool's level onto a playbook scale by position: critical → the most severe level, error →
 * the next, warning → the third, info → the least severe (clamped to the scale's length).
 */
export function severityForAlertLevel(
  scale: readonly SeverityLevel[],
  level: AlertLevel,
): SeverityLevel | undefined {
  const ordered = [...scale].sort((a, b) => a.rank - b.rank);
  if (ordered.length === 0) return undefined;
  const index =
    level === 'info' ? ordered.length - 1 : Math.min(ALERT_LEVELS.indexOf(level), ordered.length - 1);
  return ordered[index];
}
