export const ROLES = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  /** Keyed hash of the secret; the secret itself is shown once and never stored. */
  hash: string;
  /** First characters of the secret, enough to recognise it in a list. */
  preview: string;
  createdAt: string;
  revokedAt: string | null;
}
