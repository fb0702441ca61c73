import type { Incident } from '../domain/incident.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { TimelineEntry } from '../domain/timeline.js';
import type { StoreRepos } from '../store/ports.js';

/**
 * What a desk change tells the rest of Rampart, so notifications, metrics and live dashboards can react without
 * the desk knowing about them.
 */
export type DeskEvent =
  | { type: 'incident.opened'; incident: Incident }
  | { type: 'incident.changed'; incident: Incident; entry: TimelineEntry }
  | { type: 'mitigation.applied'; mitigation: Mitigation }
  | { type: 'mitigation.lifted'; mitigation: Mitigation }
  /** A temporary mitigation ran out (told once, by the desk that noted it). */
  | { type: 'mitigation.expired'; mitigation: Mitigation };

export interface DeskEvents {
  /** After the change has committed. Listeners must not throw; a failing listener never undoes the change. */
  emit(event: DeskEvent): void;
  /**
   * Inside the change's transaction, before it commits: what must land together with the change (the
   * notifications it causes, in the outbox) is written through `tx`, so a crash can lose neither alone. A
   * failure here rolls the change back.
   */
  within?(tx: StoreRepos, event: DeskEvent): Promise<void>;
}

export type TransactionalListener = (tx: StoreRepos, event: DeskEvent) => Promise<void>;

export function deskEventBus(): DeskEvents & {
  on(listener: (event: DeskEvent) => void): () => void;
  /** Adds a listener told inside the transaction (see `within`). */
  onWithin(listener: TransactionalListener): () => void;
} {
  const listeners = new Set<(event: DeskEvent) => void>();
  const transactional = new Set<TransactionalListener>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onWithin(listener) {
      transactional.add(listener);
      return () => transactional.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A listener's failure is its own; the incident record is already committed.
        }
      }
    },
    async within(tx, event) {
      for (const listener of transactional) await listener(tx, event);
    },
  };
}
