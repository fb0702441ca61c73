/** How many slices a window is counted in: fine enough to be exact at a slice's width, small enough per key. */
export const MAX_SLICES = 60;

/**
 * A sliding-window counter in O(1) time and a fixed few hundred bytes: the window is cut into up to 60 slices
 * (of at least one second) and the count is the sum of the last `slices` of them, the current one included.
 * The counted span is therefore between (window - one slice) and the window: an event is forgotten at most one
 * slice early, never late. Events older than the counted span are ignored.
 */
export class BucketRing {
  private readonly counts: Uint32Array;
  private last = -Infinity;
  private sum = 0;

  constructor(
    private readonly slices: number,
    private readonly width: number,
  ) {
    this.counts = new Uint32Array(slices);
  }

  static forWindow(windowMs: number): BucketRing {
    const slices = sliceCount(windowMs);
    return new BucketRing(slices, windowMs / slices);
  }

  add(time: number): void {
    const idx = Math.floor(time / this.width);
    this.advance(idx);
    if (idx <= this.last - this.slices) return;
    this.counts[idx % this.slices]! += 1;
    this.sum += 1;
  }

  /** The count within the window ending at `time`. */
  total(time: number): number {
    this.advance(Math.floor(time / this.width));
    return this.sum;
  }

  private advance(idx: number): void {
    if (idx <= this.last) return;
    if (idx - this.last >= this.slices) {
      this.counts.fill(0);
      this.sum = 0;
    } else {
      for (let i = this.last + 1; i <= idx; i++) {
        const slot = i % this.slices;
        this.sum -= this.counts[slot]!;
        this.counts[slot] = 0;
      }
    }
    this.last = idx;
  }
}

export function sliceCount(windowMs: number): number {
  return Math.max(1, Math.min(MAX_SLICES, Math.floor(windowMs / 1000)));
}
