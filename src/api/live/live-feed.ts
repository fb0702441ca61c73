import { randomBytes } from 'node:crypto';
import type { DeskEvent } from '../../desk/index.js';
import type { Incident } from '../../domain/incident.js';
import type { Logger } from '../../shared/logger.js';
import type { Store } from '../../store/ports.js';

/** One message of the console's event stream: what changed, enough for a page to know which data to re-read. */
export interface LiveMessage {
  /** "<boot>.<seq>": a stream resumed across a restart of this process cannot mistake old ids for new ones. */
  id: string;
  type:
    'incident.opened' | 'incident.changed' | 'mitigation.applied' | 'mitigation.lifted' | 'timeline.advanced';
  data: Record<string, unknown>;
}

export interface LiveFeedOptions {
  store: Store;
  logger?: Logger;
  /** Messages kept for resuming streams (Last-Event-ID); older ones are answered with "reset". */
  capacity?: number;
  /** How often the store is asked whether something changed that this process's desk did not tell. */
  pollMs?: number;
  /** Open streams this process serves at most. */
  maxStreams?: number;
}

function incidentHeader(i: Incident): Record<string, unknown> {
  return { id: i.id, title: i.title, service: i.service, severity: i.severity, status: i.status };
}

/**
 * The console's live feed: the desk's events as they commit, plus a cheap poll of the newest timeline id for
 * changes made elsewhere (the CLI, another desk, the notifier's delivery records), kept in a bounded ring so a
 * reconnecting browser resumes where it left off.
 */
export class LiveFeed {
  readonly maxStreams: number;
  private readonly boot = randomBytes(4).toString('hex');
  private readonly capacity: number;
  private readonly ring: LiveMessage[] = [];
  private seq = 0;
  private readonly listeners = new Set<(message: LiveMessage) => void>();
  private readonly enders = new Map<(message: LiveMessage) => void, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastTimelineId = -1;
  private polling = false;

  constructor(private readonly options: LiveFeedOptions) {
    this.capacity = options.capacity ?? 1_000;
    this.maxStreams = options.maxStreams ?? 100;
  }

  get streams(): number {
    return this.listeners.size;
  }

  /** The id a new stream starts from: everything after it is news. */
  get lastId(): string {
    return `${this.boot}.${this.seq}`;
  }

  onDeskEvent(event: DeskEvent): void {
    switch (event.type) {
      case 'incident.opened':
        this.publish('incident.opened', {
          incidentId: event.incident.id,
          incident: incidentHeader(event.incident),
        });
        return;
      case 'incident.changed': {
        const e = event.entry;
        this.lastTimelineId = Math.max(this.lastTimelineId, e.id);
        this.publish('incident.changed', {
          incidentId: event.incident.id,
          incident: incidentHeader(event.incident),
          entry: { id: e.id, kind: e.kind, at: e.at, actor: e.actor, summary: e.summary },
        });
        return;
      }
      case 'mitigation.applied':
      case 'mitigation.lifted':
      case 'mitigation.expired':
        // An expiry reads as a lift to the console: the mitigation is no longer in force, re-read it.
        this.publish(event.type === 'mitigation.expired' ? 'mitigation.lifted' : event.type, {
          mitigationId: event.mitigation.id,
          incidentId: event.mitigation.incidentId,
          service: event.mitigation.service,
        });
    }
  }

  /**
   * Messages after `lastEventId`, or "reset" when they are no longer all held (an id from before a restart, or
   * older than the ring): the page then re-reads everything instead of missing a change.
   */
  since(lastEventId: string | undefined): LiveMessage[] | 'reset' {
    if (lastEventId === undefined || lastEventId === '') return [];
    const [boot, seqText] = lastEventId.split('.');
    const seq = Number(seqText);
    if (boot !== this.boot || !Number.isSafeInteger(seq) || seq > this.seq) return 'reset';
    const oldest = this.ring[0];
    if (oldest !== undefined && seq < Number(oldest.id.split('.')[1]) - 1) return 'reset';
    if (oldest === undefined && seq < this.seq) return 'reset';
    return this.ring.filter((m) => Number(m.id.split('.')[1]) > seq);
  }

  /** `end` is called when the feed closes (shutdown), so open streams finish and the server can stop. */
  subscribe(listener: (message: LiveMessage) => void, end?: () => void): () => void {
    this.listeners.add(listener);
    if (end) this.enders.set(listener, end);
    this.startPolling();
    return () => {
      this.listeners.delete(listener);
      this.enders.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  close(): void {
    const ends = [...this.enders.values()];
    this.listeners.clear();
    this.enders.clear();
    this.stopPolling();
    for (const end of ends) end();
  }

  /** Asks the store once whether the timeline moved past what the desk's events told (exposed for tests). */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const last = await this.options.store.timeline.lastId();
      if (this.lastTimelineId === -1) this.lastTimelineId = last;
      else if (last > this.lastTimelineId) {
        this.lastTimelineId = last;
        this.publish('timeline.advanced', { lastTimelineId: last });
      }
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'console live feed: the store did not answer');
    } finally {
      this.polling = false;
    }
  }

  private publish(type: LiveMessage['type'], data: Record<string, unknown>): void {
    this.seq++;
    const message: LiveMessage = { id: `${this.boot}.${this.seq}`, type, data };
    this.ring.push(message);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        this.options.logger?.warn({ err: error }, 'console live feed: a stream failed');
      }
    }
  }

  private startPolling(): void {
    if (this.timer !== undefined) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 2_000);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
