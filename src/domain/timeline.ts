/** Every change, note, action, notification and piece of evidence is one append-only entry. */
export const TIMELINE_KINDS = [
  'created',
  'status',
  'severity',
  'note',
  'commander',
  'scope',
  'signal',
  'checklist',
  'action',
  'mitigation',
  'notification',
  'evidence',
  'verification',
  'postmortem',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  id: number;
  incidentId: string;
  at: string;
  actor: string;
  kind: TimelineKind;
  summary: string;
  data: Record<string, unknown>;
}

export type NewTimelineEntry = Omit<TimelineEntry, 'id'>;
