import type { Actor } from '../domain/actor.js';
import type { Role } from '../domain/api-key.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/ports.js';
import type { DeskEvents } from './desk-events.js';
import type { ServiceCatalog } from './service-policy.js';

/** Everything a desk action needs; the actor travels here so every write can name who made it. */
export interface DeskContext {
  store: Store;
  clock: Clock;
  services: ServiceCatalog;
  actor: Actor;
  /**
   * The actor's role where it matters (overriding the verification gate needs admin). API callers carry their
   * key's role; when absent, a CLI actor counts as admin (it holds the database) and anyone else does not.
   */
  role?: Role;
  events?: DeskEvents;
}

export interface ActionArgs<I> {
  ctx: DeskContext;
  input: I;
}
