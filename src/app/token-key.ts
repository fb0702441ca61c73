import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomSecret } from '../shared/secrets.js';

/**
 * The key for token hashes. The gateway hashes every token it sees with it, and `rampart revoke token` hashes
 * the token you type with the same key, so the two meet without the full token being stored anywhere.
 * RAMPART_TOKEN_KEY wins; otherwise a key is made once and kept in .rampart/token.key (mode 0600).
 */
export async function loadTokenKey(configured: string | undefined, cwd: string): Promise<string> {
  if (configured) return configured;
  const file = join(cwd, '.rampart', 'token.key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomSecret(32);
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    // Another process created it first: use theirs so both hash alike.
    return (await readFile(file, 'utf8')).trim();
  }
  await chmod(file, 0o600);
  return key;
}
