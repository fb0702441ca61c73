import { randomBytes } from 'node:crypto';

export interface GuestTenant {
  id: number;
  name: string;
}
export interface GuestEvent {
  id: number;
  tenantId: number;
  name: string;
  joinToken: string;
  photos: number;
}
export interface GuestSeed {
  tenants: GuestTenant[];
  events: GuestEvent[];
}

/**
 * The demo data: two tenants, three events. The first event's token is the "known good" token the playbook's
 * monitors ask for (KNOWN_GOOD_TOKEN); drills that get a token revoked make a fresh event instead of these.
 */
export const DEMO_GUEST_SEED: GuestSeed = {
  tenants: [
    { id: 1, name: 'Studio Lumen' },
    { id: 2, name: 'Hochzeit Meyer' },
  ],
  events: [
    {
      id: 11,
      tenantId: 1,
      name: 'Sommerfest 2025',
      joinToken: 'jtSommerfest2025x7Qp4LmZr9Tk2Wd8',
      photos: 24,
    },
    { id: 12, tenantId: 1, name: 'Firmenlauf', joinToken: 'jtFirmenlauf9Hn3Vb6Yc1Xs5Ke0Ua4P', photos: 12 },
    {
      id: 21,
      tenantId: 2,
      name: 'Hochzeit Anna & Ben',
      joinToken: 'jtHochzeitAB4Rt8Nq2Mw6Zj1Lf5Gd3',
      photos: 40,
    },
  ],
};

export const KNOWN_GOOD_TOKEN = DEMO_GUEST_SEED.events[0]?.joinToken ?? '';

/** A join token like the app's Str::random(32). */
export function newJoinToken(): string {
  return `jt${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 30)}`;
}
