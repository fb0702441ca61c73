import { roleAllows, type ApiKey, type Role } from '../domain/api-key.js';
import { RampartError } from '../shared/errors.js';
import type { Store } from '../store/ports.js';
import { hashApiKey, KEY_PREFIX } from './create-api-key.js';

const MAX_KEY_LENGTH = 200;

/**
 * Resolves an `Authorization: Bearer rk_…` header to its key. The lookup is by SHA-256 of the presented secret,
 * so no stored secret is ever compared byte by byte and timing reveals nothing about valid keys.
 */
export async function authenticate(store: Store, authorization: string | undefined): Promise<ApiKey> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const secret = match?.[1];
  if (!secret || secret.length > MAX_KEY_LENGTH || !secret.startsWith(KEY_PREFIX)) {
    throw new RampartError('RAMPART_UNAUTHENTICATED', 'an API key is required: Authorization: Bearer rk_…');
  }
  const key = await store.apiKeys.findByHash(hashApiKey(secret));
  if (!key || key.revokedAt !== null) {
    throw new RampartError('RAMPART_UNAUTHENTICATED', 'the API key is unknown or revoked');
  }
  return key;
}

export function authorize(key: ApiKey, need: Role): void {
  if (!roleAllows(key.role, need)) {
    throw new RampartError(
      'RAMPART_FORBIDDEN',
      `this needs the ${need} role; key "${key.name}" is ${key.role}`,
    );
  }
}
