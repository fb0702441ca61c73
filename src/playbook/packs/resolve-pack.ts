import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** The packs Rampart ships: playbooks/packs/<name>/pack.yaml in the package (from src/ and from dist/ alike). */
export const SHIPPED_PACKS_DIR = resolve(import.meta.dirname, '../../../playbooks/packs');

/** A pack folder holds its rules in this file, beside its list files. */
export const PACK_FILE = 'pack.yaml';

const BARE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The rules file an include names. A bare name (`http`) is a pack Rampart ships, unless a folder of that name
 * sits next to the playbook; anything else (`packs/http`, `./mine.yaml`) is a folder or YAML file relative to
 * the playbook. Absolute paths and paths leaving the playbook's folder are refused: a playbook is reviewed
 * with the files beside it.
 */
export function resolvePackFile(reference: string, playbookFile: string): { file: string } | { error: string } {
  if (isAbsolute(reference)) return { error: 'a pack name or a path relative to the playbook, not an absolute path' };
  if (reference.split('/').includes('..')) return { error: 'a path inside the playbook\'s folder (no "..")' };
  const base = dirname(resolve(playbookFile));
  const local = join(base, reference);
  if (existsSync(local)) return { file: statSync(local).isDirectory() ? join(local, PACK_FILE) : local };
  if (BARE_NAME.test(reference)) {
    const shipped = join(SHIPPED_PACKS_DIR, reference, PACK_FILE);
    if (existsSync(shipped)) return { file: shipped };
  }
  return { error: `a rule pack: no folder or file "${reference}" next to the playbook and no shipped pack of that name` };
}
