/**
 * Requests in flight per client address and per prefix (/24, /64). A counter per key, so the hot path is a
 * lookup and an increment on entry and a lookup and a decrement on exit: no allocation once a key is known.
 *
 * Bounded without an LRU: a key with requests in flight is never forgotten (forgetting it would let its
 * decrement land nowhere and the client run uncapped), and keys at zero are dropped in one sweep when the maps
 * reach `idleKeys`. So memory is at most max(idleKeys, twice the keys in flight), and the keys in flight are
 * bounded by the open connections. A flood of random addresses costs one sweep per `idleKeys` new addresses.
 */
export type CapRefusal = 'ip' | 'prefix';

export class ConcurrencyCaps {
  private readonly ips = new Map<string, number>();
  private readonly prefixes = new Map<string, number>();
  private nextSweep: number;

  constructor(
    readonly perIp: number,
    readonly perPrefix: number,
    private readonly idleKeys = 10_000,
  ) {
    this.nextSweep = idleKeys;
  }

  /** Counts one more request for both keys, or returns which cap refuses it (then nothing is counted). */
  acquire(ip: string, prefix: string): CapRefusal | null {
    const atIp = this.ips.get(ip);
    if (atIp !== undefined && atIp >= this.perIp) return 'ip';
    const atPrefix = this.prefixes.get(prefix);
    if (atPrefix !== undefined && atPrefix >= this.perPrefix) return 'prefix';
    if ((atIp === undefined || atPrefix === undefined) && this.ips.size + this.prefixes.size >= this.nextSweep) {
      this.sweep();
    }
    this.ips.set(ip, (atIp ?? 0) + 1);
    this.prefixes.set(prefix, (atPrefix ?? 0) + 1);
    return null;
  }

  /** Undoes one acquire() that returned null. */
  release(ip: string, prefix: string): void {
    const atIp = this.ips.get(ip);
    if (atIp !== undefined && atIp > 0) this.ips.set(ip, atIp - 1);
    const atPrefix = this.prefixes.get(prefix);
    if (atPrefix !== undefined && atPrefix > 0) this.prefixes.set(prefix, atPrefix - 1);
  }

  inFlight(ip: string): number {
    return this.ips.get(ip) ?? 0;
  }

  /** Keys remembered, idle ones included (for tests and metrics). */
  get size(): number {
    return this.ips.size + this.prefixes.size;
  }

  private sweep(): void {
    for (const [key, n] of this.ips) if (n === 0) this.ips.delete(key);
    for (const [key, n] of this.prefixes) if (n === 0) this.prefixes.delete(key);
    // Mostly keys in flight left: wait until they double before sweeping again, so sweeps stay amortised O(1).
    this.nextSweep = Math.max(this.idleKeys, 2 * this.size);
  }
}
