import { resolve } from 'node:path';
import { catalogOf, type ServiceCatalog } from '../desk/index.js';
import { formatPlaybookError, loadPlaybookDir, type Playbook } from '../playbook/index.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { RampartError } from '../shared/errors.js';
import { openStore, type Store } from '../store/index.js';
import type { Config } from './config.js';
import { compileNeverBlock } from './never-block-list.js';
import { policyFromPlaybook } from './service-policies.js';
import { loadTokenKey } from './token-key.js';

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
  const results = await loadPlaybookDir(dir);
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

/** The store plus the loaded playbooks: what the CLI's incident commands and `rampart up` both stand on. */
export async function openDesk(options: {
  config: Config;
  cwd: string;
  playbooks?: string;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}): Promise<DeskHandle> {
  const playbookDir = resolve(options.cwd, options.playbooks ?? options.config.RAMPART_PLAYBOOKS);
  const playbooks = await loadServices(playbookDir);
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
