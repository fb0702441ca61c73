import { describeCoverage, type EnforcementRecord } from '../domain/enforcement.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { Store } from '../store/ports.js';

export interface MitigationCoverage {
  /** True while at least one gateway, bouncer or hook holds it. */
  enforced: boolean;
  /** "gateway guest-api@host, bouncer edge-nginx", or "recorded but not enforced". */
  summary: string;
  points: Pick<EnforcementRecord, 'pointKind' | 'pointName' | 'state' | 'since' | 'endedAt' | 'detail'>[];
}

/** Each mitigation with which points have it and since when, for `rampart mitigations` and the API. */
export async function withCoverage<M extends Mitigation>(
  store: Store,
  mitigations: readonly M[],
): Promise<(M & { enforcement: MitigationCoverage })[]> {
  const records = await store.enforcement.list(mitigations.map((m) => m.id));
  return mitigations.map((m) => {
    const mine = records.filter((r) => r.mitigationId === m.id);
    return {
      ...m,
      enforcement: {
        enforced: mine.some((r) => r.state === 'enforcing'),
        summary: describeCoverage(m, mine),
        points: mine.map(({ pointKind, pointName, state, since, endedAt, detail }) => ({
          pointKind,
          pointName,
          state,
          since,
          endedAt,
          detail,
        })),
      },
    };
  });
}
