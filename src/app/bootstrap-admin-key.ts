import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createApiKey } from '../access/create-api-key.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/ports.js';

/**
 * On the very first start there is no key to call the API with. Like Jupyter's token file, the first admin key
 * is written to a file only the current user can read, and never printed or logged.
 */
export async function bootstrapAdminKey(store: Store, clock: Clock, file: string): Promise<boolean> {
  if ((await store.apiKeys.list()).some((k) => k.revokedAt === null)) return false;
  const { secret } = await createApiKey(
    { store, clock, actor: 'system:bootstrap' },
    { name: 'bootstrap-admin', role: 'admin' },
  );
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return true;
}
