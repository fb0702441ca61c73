import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { pathOf } from './endpoints.js';

export type StreamStatus = 'connecting' | 'live' | 'down';

interface LiveData {
  incidentId?: string | null;
}

/** What each kind of change makes stale; the pages re-read it through their queries. */
function invalidate(client: QueryClient, type: string, data: LiveData): void {
  const id = data.incidentId ?? undefined;
  void client.invalidateQueries({ queryKey: ['overview'] });
  void client.invalidateQueries({ queryKey: ['incidents'] });
  if (type === 'timeline.advanced' || type === 'reset' || id === undefined) {
    void client.invalidateQueries({ queryKey: ['incident'] });
    void client.invalidateQueries({ queryKey: ['mitigations'] });
    return;
  }
  void client.invalidateQueries({ queryKey: ['incident', id] });
  if (type.startsWith('mitigation.')) void client.invalidateQueries({ queryKey: ['mitigations'] });
}

const EVENTS = [
  'incident.opened',
  'incident.changed',
  'mitigation.applied',
  'mitigation.lifted',
  'timeline.advanced',
  'reset',
];

/**
 * One EventSource for the whole console, authenticated by the session cookie. The browser reconnects by itself
 * and sends Last-Event-ID, so nothing is missed; if the stream closes for good (the server restarted, the session
 * ended), it is opened anew after a pause and everything is re-read, since the ids no longer follow on.
 */
export function useLiveUpdates(enabled: boolean): StreamStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let opened = 0;
    const open = () => {
      source = new EventSource(pathOf('stream'));
      source.onopen = () => {
        setStatus('live');
        // A fresh stream after a closed one: changes made in between have no ids left to resume from.
        if (opened++ > 0) invalidate(client, 'reset', {});
      };
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          setStatus('down');
          source.close();
          if (!stopped) retry = setTimeout(open, 5_000);
        } else {
          setStatus('connecting');
        }
      };
      for (const type of EVENTS) {
        source.addEventListener(type, (event: MessageEvent<string>) => {
          let data: LiveData = {};
          try {
            data = JSON.parse(event.data) as LiveData;
          } catch {
            data = {};
          }
          invalidate(client, type, data);
        });
      }
    };
    open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [client, enabled]);
  return status;
}
