import type { Mitigation, MitigationKind } from '../../domain/mitigation.js';
import type { Clock } from '../../shared/clock.js';

let counter = 0;

/** A mitigation as the desk would apply it, created now on the given clock. */
export function mitigation(clock: Clock, kind: MitigationKind, target: string, extra: Partial<Mitigation> = {}): Mitigation {
  counter++;
  return {
    id: `mit-${counter}`,
    service: 'fotospiel',
    kind,
    target,
    reason: 'test',
    author: 'tester',
    incidentId: null,
    createdAt: clock.now().toISOString(),
    expiresAt: null,
    liftedAt: null,
    liftedBy: null,
    data: {},
    ...extra,
  };
}
