import type { RequestEvent } from '../domain/request-event.js';
import { detach } from './rules/event-fields.js';
import { LruMap } from '../shared/lru.js';

/** Tokens remembered; bounded, so a flood of random tokens only pushes old ones out. */
const MAX_TOKENS = 50_000;
const MAX_ID_LENGTH = 200;

interface Owner {
  tenant: string | null;
  event: string | null;
}

/** Marks a preview two tokens of different owners share: it names no one. */
const AMBIGUOUS: Owner = { tenant: null, event: null };

/**
 * Which tenant and event a join token belongs to, learned from what the app says: the gateway's request events
 * (the app's `scope_headers` on its responses) and the app's own log lines (Laravel's context: a token preview
 * beside `tenant_id` and `event_id`). Events that name a token but not its owner — a refused request, a log line
 * without context, another source — are filled in, so an incident's scope names the tenants and events it
 * touched. By keyed hash where the event has one; by preview only while no two owners share that preview.
 */
export class TokenScope {
  private readonly byHash = new LruMap<Owner>(MAX_TOKENS);
  private readonly byPreview = new LruMap<Owner>(MAX_TOKENS);

  /**
   * Learns from the event, or completes it; called once per event before the rules see it. Hash and preview are
   * kept as they are: strings of their own, never a slice of a log line (event-fields.ts, OWN_STRING_FIELDS).
   */
  apply(event: RequestEvent): void {
    const hash = event.tokenHash;
    const preview = event.tokenPreview;
    if (hash === null && preview === null) return;
    if (event.tenant !== null || event.event !== null) {
      this.learn(event, hash, preview);
      if (event.tenant !== null && event.event !== null) return;
    }
    // Nothing learned yet (a log without the app's context, a service without scope_headers): nothing to look up.
    const owner =
      (hash !== null && this.byHash.size > 0 ? this.byHash.get(hash) : undefined) ??
      (preview !== null && this.byPreview.size > 0 ? this.byPreview.get(preview) : undefined);
    if (owner === undefined || owner === AMBIGUOUS) return;
    event.tenant ??= owner.tenant;
    event.event ??= owner.event;
  }

  private learn(event: RequestEvent, hash: string | null, preview: string | null): void {
    const tenant =
      event.tenant !== null && event.tenant.length <= MAX_ID_LENGTH ? detach(event.tenant) : null;
    const ev = event.event !== null && event.event.length <= MAX_ID_LENGTH ? detach(event.event) : null;
    if (tenant === null && ev === null) return;
    if (hash !== null) {
      const known = this.byHash.peek(hash);
      if (known === undefined || known.tenant !== tenant || known.event !== ev)
        this.byHash.set(hash, {
          tenant: tenant ?? known?.tenant ?? null,
          event: ev ?? known?.event ?? null,
        });
    }
    if (preview !== null) {
      const known = this.byPreview.peek(preview);
      if (known === undefined) this.byPreview.set(preview, { tenant, event: ev });
      else if (
        known !== AMBIGUOUS &&
        ((tenant !== null && known.tenant !== null && known.tenant !== tenant) ||
          (ev !== null && known.event !== null && known.event !== ev))
      )
        this.byPreview.set(preview, AMBIGUOUS);
    }
  }
}
