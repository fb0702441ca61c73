import type { Incident } from '../domain/incident.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { TimelineEntry } from '../domain/timeline.js';

/**
 * Told after a desk change has committed, so notifications, metrics and live dashboards can react without the
 * desk knowing about them. Listeners must not throw; a failing listener never undoes the change.
 */
export type DeskEvent =
  | { type: 'incident.opened'; incident: Incident }
  | { type: 'incident.changed'; incident: Incident; entry: TimelineEntry }
  | { type: 'mitigation.applied'; mitigation: Mitigation }
  | { type: 'mitigation.lifted'; mitigation: Mitigation };

export interface DeskEvents {
  emit(event: DeskEvent): void;
}

export function deskEventBus(): DeskEvents & { on(listener: (event: DeskEvent) => void): () => void } {
  const listeners = new Set<(event: DeskEvent) => void>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
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
  };
}
