import type { Incident } from '../domain/incident.js';
import { RampartError } from '../shared/errors.js';
import type { StoreRepos } from '../store/ports.js';
import type { DeskContext } from './context.js';
import type { ServicePolicy } from './service-policy.js';

export async function requireIncident(repos: StoreRepos, id: string): Promise<Incident> {
  const incident = await repos.incidents.get(id);
  if (!incident) throw new RampartError('RAMPART_NOT_FOUND', `incident ${id} not found`);
  return incident;
}

export function requireService(ctx: DeskContext, name: string): ServicePolicy {
  const policy = ctx.services.get(name);
  if (!policy) {
    const known = ctx.services
      .list()
      .map((p) => p.name)
      .join(', ');
    throw new RampartError(
      'RAMPART_UNKNOWN_SERVICE',
      `no playbook for service "${name}" (loaded: ${known || 'none'})`,
      [{ path: 'service', message: `expected one of: ${known || '(no playbooks loaded)'}` }],
    );
  }
  return policy;
}
