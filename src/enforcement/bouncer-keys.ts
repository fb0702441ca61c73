import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Bouncer } from '../domain/enforcement.js';
import type { Clock } from '../shared/clock.js';
import { RampartError } from '../shared/errors.js';
import { randomSecret, safeEqual, sha256 } from '../shared/secrets.js';
import type { Store } from '../store/ports.js';

export const BOUNCER_KEY_PREFIX = 'rb_';
const NAME = /^[A-Za-z0-9][\w.@-]{0,99}$/;
/** CrowdSec's own keys are 32 characters; anything far longer is not a key. */
const MAX_KEY_LENGTH = 200;

export interface AddedBouncer {
  bouncer: Bouncer;
  /** The API key, shown once; only its SHA-256 is stored. */
  key: string;
}

interface Deps {
  store: Store;
  clock: Clock;
  actor: Actor;
}

export async function addBouncer(deps: Deps, name: string): Promise<AddedBouncer> {
  if (!NAME.test(name)) {
    throw new RampartError(
      'RAMPART_VALIDATION',
      `bouncer name "${name.slice(0, 100)}": letters, digits and . _ - @, at most 100`,
    );
  }
  const existing = await deps.store.bouncers.list();
  if (existing.some((b) => b.name === name)) {
    throw new RampartError(
      'RAMPART_CONFLICT',
      `a bouncer named "${name}" exists; delete it first to issue a new key`,
    );
  }
  const key = `${BOUNCER_KEY_PREFIX}${randomSecret(24)}`;
  const now = deps.clock.now().toISOString();
  const bouncer = await deps.store.transaction(async (tx) => {
    const created = await tx.bouncers.create({
      id: `bnc-${randomUUID().slice(0, 8)}`,
      name,
      keyHash: sha256(key),
      preview: key.slice(0, BOUNCER_KEY_PREFIX.length + 4),
      createdAt: now,
      lastPullAt: null,
      userAgent: null,
    });
    await tx.audit.append({
      at: now,
      actor: deps.actor,
      action: 'bouncer.add',
      target: created.id,
      details: { name, preview: created.preview },
    });
    return created;
  });
  return { bouncer, key };
}

export async function deleteBouncer(deps: Deps, nameOrId: string): Promise<Bouncer> {
  const now = deps.clock.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const deleted = await tx.bouncers.delete(nameOrId);
    if (!deleted) throw new RampartError('RAMPART_NOT_FOUND', `bouncer ${nameOrId} not found`);
    // What it held, it no longer enforces for Rampart's records.
    await tx.enforcement.releasePoint('bouncer', deleted.name, now);
    await tx.audit.append({
      at: now,
      actor: deps.actor,
      action: 'bouncer.delete',
      target: deleted.id,
      details: { name: deleted.name },
    });
    return deleted;
  });
}

/**
 * The bouncer an `X-Api-Key` belongs to, or undefined. The presented key's SHA-256 is compared with every
 * bouncer's in constant time, all of them each time, so timing tells nothing about which key came close.
 */
export async function bouncerOfKey(store: Store, key: string | undefined): Promise<Bouncer | undefined> {
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
  const hash = sha256(key);
  let found: Bouncer | undefined;
  for (const b of await store.bouncers.list()) if (safeEqual(b.keyHash, hash) && !found) found = b;
  return found;
}
