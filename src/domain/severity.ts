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
