export interface FollowUp {
  id: string;
  title: string;
  owner: string | null;
  done: boolean;
}

export const POSTMORTEM_STATUSES = ['open', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export interface Postmortem {
  incidentId: string;
  status: PostmortemStatus;
  dueAt: string;
  createdAt: string;
  publishedAt: string | null;
  /** Section name → Markdown text, in the playbook's order. */
  sections: { name: string; body: string }[];
  followUps: FollowUp[];
}
