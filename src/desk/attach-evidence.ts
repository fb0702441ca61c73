import type { TimelineEntry } from '../domain/timeline.js';
import type { ActionArgs } from './context.js';
import { deskTransaction } from './desk-transaction.js';
import { recordChange } from './record-change.js';
import { requireIncident } from './require-incident.js';

/** Evidence kept on the timeline is bounded; the hash covers every event, the stored list the first N. */
export const MAX_EVIDENCE_EVENTS = 500;

export interface AttachEvidenceInput {
  id: string;
  /** What was captured, e.g. "15-minute evidence snapshot for token-enumeration". */
  title: string;
  from: string;
  to: string;
  /** SHA-256 over the canonical JSON of all the events: proves later that the evidence was not altered. */
  hash: string;
  events: Record<string, unknown>[];
  truncated: boolean;
}

/** Freezes a snapshot of the events behind an incident on its timeline, with its content hash. */
export async function attachEvidence({
  ctx,
  input,
}: ActionArgs<AttachEvidenceInput>): Promise<TimelineEntry> {
  return deskTransaction(ctx, async (tx, tell) => {
    const incident = await requireIncident(tx, input.id);
    const kept = input.events.slice(0, MAX_EVIDENCE_EVENTS);
    const entry = await recordChange(tx, ctx, {
      incidentId: incident.id,
      kind: 'evidence',
      summary: `${input.title}: ${input.events.length} events, sha256 ${input.hash.slice(0, 16)}…`,
      data: {
        from: input.from,
        to: input.to,
        hash: input.hash,
        count: input.events.length,
        truncated: input.truncated || kept.length < input.events.length,
        events: kept,
      },
      action: 'incident.evidence',
    });
    await tell({ type: 'incident.changed', incident, entry });
    return entry;
  });
}
