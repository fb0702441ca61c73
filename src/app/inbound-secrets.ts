import type { InboundSecrets } from '../api/api-deps.js';
import type { Playbook } from '../playbook/index.js';
import type { Logger } from '../shared/logger.js';

/** The variable an inbound source without its own `secret_env` reads its shared secret from. */
export const DEFAULT_INBOUND_SECRET_ENV = 'RAMPART_INBOUND_SECRET';

/**
 * Resolves, at start-up, the shared secrets of every playbook's alertmanager/webhook sources from the variables
 * they name. A source whose variable is unset accepts nothing; the log says which variable to set.
 */
export function inboundSecretsFrom(
  playbooks: readonly Playbook[],
  env: NodeJS.ProcessEnv,
  logger: Logger,
): InboundSecrets {
  const secrets = new Map<string, string[]>();
  for (const playbook of playbooks) {
    const accepted: string[] = [];
    for (const source of playbook.detection.sources) {
      if (source.kind !== 'alertmanager' && source.kind !== 'webhook') continue;
      const variable = source.secret_env ?? DEFAULT_INBOUND_SECRET_ENV;
      const secret = env[variable];
      if (secret && secret.length >= 16) accepted.push(secret);
      else
        logger.warn(
          { service: playbook.service.name, source: source.kind, variable },
          `inbound ${source.kind} alerts are refused until ${variable} holds a secret of 16+ characters`,
        );
    }
    secrets.set(playbook.service.name, accepted);
  }
  return secrets;
}
