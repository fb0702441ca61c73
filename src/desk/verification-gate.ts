import type { TimelineEntry } from '../domain/timeline.js';
import { RampartError } from '../shared/errors.js';
import type { StoreRepos } from '../store/ports.js';
import type { DeskContext } from './context.js';
import { recordChange } from './record-change.js';
import type { VerificationReport } from './verification-steps.js';

/** An explicit admin role, or a CLI actor without one (the CLI holds the database anyway). */
export function isAdmin(ctx: DeskContext): boolean {
  return ctx.role === 'admin' || (ctx.role === undefined && ctx.actor.startsWith('cli:'));
}

function describeChecks(report: VerificationReport): string {
  return report.checks.map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name}: ${c.detail}`).join('; ');
}

/** The verification's outcome on the timeline: passed, refused, or overridden by an admin with a reason. */
export function recordVerification(
  tx: StoreRepos,
  ctx: DeskContext,
  incidentId: string,
  report: VerificationReport,
  outcome: 'passed' | 'refused' | 'overridden',
  reason?: string,
): Promise<TimelineEntry> {
  const failing = report.checks.filter((c) => !c.ok).map((c) => c.name);
  const summary =
    outcome === 'passed'
      ? `verification passed (${report.checks.length} step${report.checks.length === 1 ? '' : 's'})`
      : outcome === 'refused'
        ? `verification refused "resolved": ${failing.join(', ')}`
        : `verification overridden by ${ctx.actor}: ${reason ?? ''} (failing: ${failing.join(', ')})`;
  return recordChange(tx, ctx, {
    incidentId,
    kind: 'verification',
    summary,
    data: {
      outcome,
      ok: report.ok,
      checks: report.checks,
      ...(reason !== undefined ? { reason } : {}),
    },
    action: `verification.${outcome}`,
  });
}

export function verificationFailed(incidentId: string, report: VerificationReport): RampartError {
  const failing = report.checks.filter((c) => !c.ok);
  return new RampartError(
    'RAMPART_VERIFICATION_FAILED',
    `${incidentId} cannot be resolved yet: ${describeChecks({ ok: false, checks: failing })}`,
    failing.map((c) => ({ path: `verification.${c.check}`, message: `${c.name}: ${c.detail}` })),
  );
}
