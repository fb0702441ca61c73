import type { Incident } from '../domain/incident.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { TimelineEntry } from '../domain/timeline.js';
import { send } from './http.js';

export interface OutboxEntry {
  id: number;
  incidentId: string | null;
  audience: string;
  channel: string;
  status: string;
  lastError: string | null;
  deliveredAt: string | null;
  /** The channel entry; a tenant e-mail names its tenant. */
  target: { type: string; tenant?: string };
}

/** The few API calls a drill makes, with the admin key (from .rampart/admin.key). */
export class RampartApi {
  constructor(
    readonly url: string,
    private readonly key: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const answer = await send(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (answer.status >= 400) {
      const err = (answer.text ? (answer.json() as { error?: { message?: string } }) : {}).error;
      throw new Error(`${method} ${path}: ${answer.status} ${err?.message ?? answer.text.slice(0, 200)}`);
    }
    return answer.json() as T;
  }

  async openIncidents(service: string): Promise<Incident[]> {
    return (
      await this.call<{ incidents: Incident[] }>(
        'GET',
        `/v1/incidents?service=${encodeURIComponent(service)}&open=true&limit=100`,
      )
    ).incidents;
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    return (
      await this.call<{ timeline: TimelineEntry[] }>(
        'GET',
        `/v1/incidents/${encodeURIComponent(id)}/timeline`,
      )
    ).timeline;
  }

  async mitigations(service?: string): Promise<Mitigation[]> {
    const q = service ? `?service=${encodeURIComponent(service)}` : '';
    return (await this.call<{ mitigations: Mitigation[] }>('GET', `/v1/mitigations${q}`)).mitigations;
  }

  async notifications(incidentId: string): Promise<OutboxEntry[]> {
    return (
      await this.call<{ notifications: OutboxEntry[] }>(
        'GET',
        `/v1/notifications?incident=${encodeURIComponent(incidentId)}`,
      )
    ).notifications;
  }

  markMitigated(id: string, note: string): Promise<Incident> {
    return this.call<Incident>('POST', `/v1/incidents/${encodeURIComponent(id)}/mitigated`, { note });
  }

  approveNotification(id: number): Promise<OutboxEntry> {
    return this.call<OutboxEntry>('POST', `/v1/notifications/${id}/approve`, {});
  }

  openIncident(input: {
    service: string;
    title: string;
    severity?: string;
    type?: string;
  }): Promise<Incident> {
    return this.call<Incident>('POST', '/v1/incidents', input);
  }

  applyMitigation(input: {
    service: string;
    kind: string;
    target: string;
    reason: string;
    forMs?: number;
    incidentId?: string;
    data?: Record<string, string | number>;
  }): Promise<Mitigation> {
    return this.call<Mitigation>('POST', '/v1/mitigations', input);
  }

  liftMitigation(id: string, reason: string): Promise<Mitigation> {
    return this.call<Mitigation>(
      'DELETE',
      `/v1/mitigations/${encodeURIComponent(id)}?reason=${encodeURIComponent(reason)}`,
    );
  }
}
