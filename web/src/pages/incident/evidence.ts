import type { TimelineEntry } from '../../api/types.js';
import { text } from '../../components/format.js';

/** One evidence snapshot as the desk froze it on the timeline. */
export interface EvidenceSnapshot {
  entry: TimelineEntry;
  from: string;
  to: string;
  hash: string;
  count: number;
  truncated: boolean;
  events: Record<string, unknown>[];
}

export function evidenceOf(timeline: readonly TimelineEntry[]): EvidenceSnapshot[] {
  return timeline
    .filter((e) => e.kind === 'evidence')
    .map((entry) => ({
      entry,
      from: text(entry.data.from, entry.at),
      to: text(entry.data.to, entry.at),
      hash: text(entry.data.hash),
      count: Number(entry.data.count ?? 0),
      truncated: entry.data.truncated === true,
      events: Array.isArray(entry.data.events) ? (entry.data.events as Record<string, unknown>[]) : [],
    }));
}

/** Distinct values of one field across the snapshots' events, most frequent first. */
export function tally(snapshots: readonly EvidenceSnapshot[], field: string, limit = 20): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of snapshots) {
    for (const e of s.events) {
      const v = e[field];
      if (typeof v === 'string' && v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
}
