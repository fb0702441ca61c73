import type { DeskContext } from '../desk/index.js';
import type { Role } from '../domain/api-key.js';
import type { ApiDeps } from './api-deps.js';

/** The desk context of one API call: the caller as actor (and its role, for what only admins may do). */
export function deskContext(deps: ApiDeps, actor: string, role?: Role): DeskContext {
  return {
    store: deps.store,
    clock: deps.clock,
    services: deps.services,
    actor,
    ...(role ? { role } : {}),
    ...(deps.events ? { events: deps.events } : {}),
  };
}
