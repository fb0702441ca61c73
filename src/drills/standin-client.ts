import type { GuestEvent } from '../standins/guest-seed.js';
import { CONTROL_KEY_HEADER } from '../standins/control.js';
import type { Misbehaviour } from '../standins/misbehaviour.js';
import { send } from './http.js';

/** The stand-ins' control route, straight to the stand-in (never through the gateway). */
export class StandinClient {
  constructor(
    readonly url: string,
    private readonly key: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST', action: string, body?: unknown): Promise<T> {
    const answer = await send(`${this.url}/__standin/${action}`, {
      method,
      headers: { [CONTROL_KEY_HEADER]: this.key, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (answer.status >= 300)
      throw new Error(
        `stand-in at ${this.url} refused ${action} (${answer.status}); is it running, with the key in .rampart/standin.key?`,
      );
    return answer.json() as T;
  }

  async misbehave(mode: Misbehaviour, delayMs?: number): Promise<void> {
    await this.call('POST', 'misbehave', { mode, ...(delayMs !== undefined ? { delayMs } : {}) });
  }

  state(): Promise<{ mode: Misbehaviour; events?: GuestEvent[]; users?: string[] }> {
    return this.call('GET', 'state');
  }

  /** Guest stand-in only: a fresh event and join token (what a tenant does after a token is revoked). */
  createEvent(): Promise<GuestEvent> {
    return this.call('POST', 'events', {});
  }
}
