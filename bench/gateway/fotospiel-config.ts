import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compileGatewayConfig, type GatewayConfig, type GatewayConfigInput } from '../../src/gateway/index.js';
import { formatPlaybookError, loadPlaybook } from '../../src/playbook/index.js';

export const PLAYBOOK = fileURLToPath(new URL('../../playbooks/fotospiel-public-api.yaml', import.meta.url));

/** High enough that a bench never hits it (GCRA: 1e9 per minute), low enough to be a real, counted limit. */
export const RAISED_LIMIT = 1_000_000_000;

/**
 * The fotospiel playbook's service and gateway sections, as the gateway compiles them, pointed at the bench
 * upstream. The playbook is validated by the loader first; the gateway takes the sections as written in YAML
 * (durations as text), which is what GatewayConfigInput mirrors. With `raise`, every rate limit keeps its key,
 * routes and headers but allows RAISED_LIMIT per window, so every guard runs and nothing is refused.
 */
export async function fotospielConfig(upstream: string, raise: boolean): Promise<GatewayConfig> {
  const loaded = await loadPlaybook(PLAYBOOK);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatPlaybookError).join('\n'));
  const raw = parse(await readFile(PLAYBOOK, 'utf8')) as GatewayConfigInput;
  const gateway = raw.gateway ?? {};
  const input: GatewayConfigInput = {
    service: { ...raw.service, upstream: { ...raw.service.upstream, url: upstream } },
    gateway: {
      ...gateway,
      rate_limits: (gateway.rate_limits ?? []).map((l) => (raise ? { ...l, limit: RAISED_LIMIT } : l)),
    },
  };
  return compileGatewayConfig(input, {});
}
