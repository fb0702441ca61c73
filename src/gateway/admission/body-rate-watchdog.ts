/** What the watchdog reads of a request: node's IncomingMessage and its socket fit this shape. */
export interface WatchedBody {
  readonly socket: { readonly bytesRead: number; readonly destroyed: boolean };
  readonly req: { readonly readableFlowing: boolean | null; readonly readableLength: number; readonly complete: boolean };
}

interface Meter {
  credit: number;
  bytes: number;
  at: number;
}

/**
 * The client is what holds the body back only while the gateway is reading it and has nothing buffered: a
 * paused or queued request (waiting for an upstream connection, or an upstream that reads slowly) is our
 * stall, not the client's, and is not charged.
 */
export function isClientBound(req: WatchedBody['req']): boolean {
  return req.readableFlowing === true && req.readableLength === 0;
}

/**
 * A credit of bytes, like a token bucket run backwards: each second the client owes `minRate` bytes, each byte
 * it sends pays one back, and it can bank at most `capacity` (= minRate × the idle timeout). It starts full, so a
 * complete stall ends a body after exactly the idle timeout, and a drip slower than minRate a little later;
 * a fast start cannot buy minutes of dripping afterwards (Apache's MinRate extends its deadline without bound).
 */
export function nextCredit(credit: number, bytes: number, seconds: number, clientBound: boolean, minRate: number,
  capacity: number): number {
  return Math.min(capacity, credit + bytes - (clientBound ? minRate * seconds : 0));
}

/**
 * Request bodies in progress, checked on a tick: any body whose credit runs out is handed to `onTooSlow`.
 * Time is passed in (tick(now)), so tests drive it without sleeping; the gateway ticks it on a timer with
 * performance.now(). Finished bodies and closed sockets drop out on the next tick.
 */
export class BodyRateWatchdog<T extends WatchedBody> {
  readonly capacity: number;
  private readonly meters = new Map<T, Meter>();

  constructor(
    private readonly minRate: number,
    idleTimeoutMs: number,
    private readonly onTooSlow: (item: T) => void,
  ) {
    this.capacity = (minRate * idleTimeoutMs) / 1000;
  }

  get size(): number {
    return this.meters.size;
  }

  has(item: T): boolean {
    return this.meters.has(item);
  }

  watch(item: T, now: number): void {
    if (this.meters.has(item)) return;
    this.meters.set(item, { credit: this.capacity, bytes: item.socket.bytesRead, at: now });
  }

  unwatch(item: T): void {
    this.meters.delete(item);
  }

  tick(now: number): void {
    for (const [item, meter] of this.meters) {
      if (item.req.complete || item.socket.destroyed) {
        this.meters.delete(item);
        continue;
      }
      const bytes = item.socket.bytesRead;
      meter.credit = nextCredit(meter.credit, bytes - meter.bytes, (now - meter.at) / 1000, isClientBound(item.req),
        this.minRate, this.capacity);
      meter.bytes = bytes;
      meter.at = now;
      if (meter.credit < 0) {
        this.meters.delete(item);
        this.onTooSlow(item);
      }
    }
  }
}
