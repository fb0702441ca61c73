import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogOf, type ServiceCatalog } from '../desk/index.js';
import { formatPlaybookError, loadPlaybookDir, type Playbook } from '../playbook/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { RampartError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { privateDir, privateFilesIn } from '../shared/private-files.js';
import { openStore, type Store } from '../store/index.js';
import type { Config } from './config.js';
import { compileNeverBlock } from './never-block-list.js';
import { policyFromPlaybook } from './service-policies.js';
import { loadTokenKey } from './token-key.js';
import { withStartupChecks } from './compile-playbook.js';

export interface DeskHandle {
  store: Store;
  services: ServiceCatalog;
  playbooks: Playbook[];
  playbookDir: string;
  clock: Clock;
  /** What start-up could not fully honour (a never_block token whose variable is not set). */
  warnings: string[];
  close(): Promise<void>;
}

/** Loads every playbook in the directory; any invalid one stops start-up with every error listed. */
export async function loadServices(dir: string): Promise<Playbook[]> {
  const results = (await loadPlaybookDir(dir)).map(withStartupChecks);
  const errors = results.flatMap((r) => (r.ok ? [] : r.errors));
  if (errors.length > 0) {
    throw new RampartError(
      'RAMPART_PLAYBOOK_INVALID',
      `playbooks in ${dir} are invalid:\n${errors.map(formatPlaybookError).join('\n')}`,
      errors.map((e) => ({ path: `${e.file}:${e.line} ${e.path}`, message: e.message })),
    );
  }
  return results.flatMap((r) => (r.ok ? [r.playbook] : []));
}

/** Rampart's own folder under the working directory: the default database, the token key, the first admin key. */
export const STATE_DIR = '.rampart';

/**
 * An existing state folder looser than 0700, or a file in it looser than 0600 (an older Rampart, a umask of 022,
 * a copy), is tightened before anything is opened, and the change is logged: the database holds incidents, the
 * audit log and key hashes, and the key files are secrets. A missing folder is created 0700 by whoever needs it.
 */
function tightenStateDir(dir: string, logger: Logger | undefined): void {
  if (!existsSync(dir)) return;
  for (const t of [...privateDir(dir), ...privateFilesIn(dir)])
    logger?.warn(t, `tightened ${t.path} from ${t.from} to ${t.to}: Rampart's state is for this user alone`);
}

/** The store plus the loaded playbooks: what the CLI's incident commands and `rampart up` both stand on. */
export async function openDesk(options: {
  config: Config;
  cwd: string;
  playbooks?: string;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Told when the state folder or a file in it had to be tightened. */
  logger?: Logger;
}): Promise<DeskHandle> {
  const playbookDir = resolve(options.cwd, options.playbooks ?? options.config.RAMPART_PLAYBOOKS);
  const playbooks = await loadServices(playbookDir);
  tightenStateDir(join(options.cwd, STATE_DIR), options.logger);
  const warnings: string[] = [];
  const needsKey = playbooks.some((p) => p.never_block !== undefined);
  const tokenKey = needsKey ? await loadTokenKey(options.config.RAMPART_TOKEN_KEY, options.cwd) : '';
  const policies = playbooks.map((playbook) => {
    const compiled = compileNeverBlock(playbook, options.env ?? process.env, tokenKey);
    warnings.push(...compiled.warnings);
    return policyFromPlaybook(playbook, compiled.list);
  });
  const store = await openStore(options.config.DATABASE_URL, { cwd: options.cwd });
  return {
    store,
    services: catalogOf(policies),
    warnings,
    playbooks,
    playbookDir,
    clock: options.clock ?? systemClock,
    close: () => store.close(),
  };
}
