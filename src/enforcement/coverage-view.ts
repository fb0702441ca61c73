import { describeCoverage, enforcingPoints, isStale, type EnforcementRecord } from '../domain/enforcement.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { Store } from '../store/ports.js';

export interface MitigationCoverage {
  /** True while at least one gateway, bouncer or hook holds it (a gateway or bouncer gone quiet does not). */
  enforced: boolean;
  /** "gateway guest-api@host, bouncer edge-nginx", or "recorded but not enforced". */
  summary: string;
  /** `state` is `stale` for a hold whose gateway or bouncer has not been heard from (lastHeardAt) lately. */
  points: (Pick<EnforcementRecord, 'pointKind' | 'pointName' | 'since' | 'endedAt' | 'detail'> & {
    state: EnforcementRecord['state'] | 'stale';
    lastHeardAt: string;
  })[];
}

/** A mitigation as the API answers it: with who enforces it. */
export type Covered<M extends Mitigation = Mitigation> = M & { enforcement: MitigationCoverage };

/** Each mitigation with which points have it and since when, for `rampart mitigations` and the API. */
export async function withCoverage<M extends Mitigation>(
  store: Store,
  mitigations: readonly M[],
  now: Date,
): Promise<Covered<M>[]> {
  const at = now.getTime();
  const records = await store.enforcement.list(mitigations.map((m) => m.id));
  return mitigations.map((m) => {
    const mine = records.filter((r) => r.mitigationId === m.id);
    return {
      ...m,
      enforcement: {
        enforced: enforcingPoints(mine, at).length > 0,
        summary: describeCoverage(m, mine, at),
        points: mine.map((r) => ({
          pointKind: r.pointKind,
          pointName: r.pointName,
          state: isStale(r, at) ? ('stale' as const) : r.state,
          since: r.since,
          lastHeardAt: r.updatedAt,
          endedAt: r.endedAt,
          detail: r.detail,
        })),
      },
    };
  });
}
