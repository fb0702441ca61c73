import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type ApiKey } from '../domain/api-key.js';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../shared/clock.js';
import { randomSecret, sha256 } from '../shared/secrets.js';
import type { Store } from '../store/ports.js';

export const KEY_PREFIX = 'rk_';

export const createApiKeyInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w.@:-]+$/, 'letters, digits and . _ - @ : only'),
    role: z.enum(ROLES),
  })
  .strict();
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export interface CreatedApiKey {
  key: ApiKey;
  /** The secret, shown once to whoever created it; only its hash is stored. */
  secret: string;
}

export function hashApiKey(secret: string): string {
  return sha256(secret);
}

export async function createApiKey(
  deps: { store: Store; clock: Clock; actor: Actor },
  input: CreateApiKeyInput,
): Promise<CreatedApiKey> {
  const secret = `${KEY_PREFIX}${randomSecret(24)}`;
  const now = deps.clock.now().toISOString();
  const key: ApiKey = {
    id: randomUUID(),
    name: input.name,
    role: input.role,
    hash: hashApiKey(secret),
    preview: secret.slice(0, KEY_PREFIX.length + 4),
    createdAt: now,
    revokedAt: null,
  };
  const created = await deps.store.transaction(async (tx) => {
    const stored = await tx.apiKeys.create(key);
    await tx.audit.append({
      at: now,
      actor: deps.actor,
      action: 'key.create',
      target: key.id,
      details: { name: key.name, role: key.role, preview: key.preview },
    });
    return stored;
  });
  return { key: created, secret };
}

export async function revokeApiKey(
  deps: { store: Store; clock: Clock; actor: Actor },
  id: string,
): Promise<ApiKey | undefined> {
  const now = deps.clock.now().toISOString();
  return deps.store.transaction(async (tx) => {
    const revoked = await tx.apiKeys.revoke(id, now);
    if (revoked) {
      await tx.audit.append({
        at: now,
        actor: deps.actor,
        action: 'key.revoke',
        target: id,
        details: { name: revoked.name },
      });
    }
    return revoked;
  });
}
