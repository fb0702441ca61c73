import { Pool } from 'undici';
import type { ClientLimits } from './client-limits.js';

/** Which pool a request holds a place in: none, the ordinary one, or the exempt routes' reserve. */
export type UpstreamSlot = 0 | 1 | 2;
export const NO_SLOT = 0;
export const ORDINARY = 1;
export const RESERVE = 2;

/**
 * The upstream connections, split in two undici Pools: the ordinary routes' and a small reserve that only
 * exempt routes (health checks) use, so /health keeps answering while ordinary routes are saturated. undici
 * queues without bound when every connection is busy; here a request is counted from dispatch until its
 * upstream exchange ends, and one that would wait behind more than `upstreamQueue` others is refused instead.
 */
export class UpstreamCapacity {
  readonly ordinary: Pool;
  readonly reserve: Pool | null;
  private readonly ordinaryLimit: number;
  private readonly reserveLimit: number;
  private ordinaryInFlight = 0;
  private reserveInFlight = 0;

  constructor(origin: string, limits: ClientLimits, timeoutMs: number) {
    const options = {
      connectTimeout: Math.min(timeoutMs, 10_000),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 4_000,
    };
    const ordinaryConnections = limits.upstreamConnections - limits.reserveForExempt;
    this.ordinary = new Pool(origin, { ...options, connections: ordinaryConnections });
    this.ordinaryLimit = ordinaryConnections + limits.upstreamQueue;
    this.reserve = limits.reserveForExempt > 0
      ? new Pool(origin, { ...options, connections: limits.reserveForExempt })
      : null;
    this.reserveLimit = limits.reserveForExempt + limits.upstreamQueue;
  }

  /** Takes a place for the request (RESERVE for an exempt route when there is a reserve), or NO_SLOT when full. */
  acquire(exempt: boolean): UpstreamSlot {
    if (exempt && this.reserve !== null) {
      if (this.reserveInFlight >= this.reserveLimit) return NO_SLOT;
      this.reserveInFlight++;
      return RESERVE;
    }
    if (this.ordinaryInFlight >= this.ordinaryLimit) return NO_SLOT;
    this.ordinaryInFlight++;
    return ORDINARY;
  }

  pool(slot: UpstreamSlot): Pool {
    return slot === RESERVE && this.reserve !== null ? this.reserve : this.ordinary;
  }

  release(slot: UpstreamSlot): void {
    if (slot === ORDINARY) this.ordinaryInFlight--;
    else if (slot === RESERVE) this.reserveInFlight--;
  }

  /** Requests dispatched and not yet done, per pool. */
  get inFlight(): { ordinary: number; reserve: number } {
    return { ordinary: this.ordinaryInFlight, reserve: this.reserveInFlight };
  }

  async close(): Promise<void> {
    await Promise.all([this.ordinary.close(), this.reserve?.close()]);
  }
}
