/** Where a line was refused before any parser saw it. */
export type SkipReason = 'line too long';

export interface LineSink {
  onLine(line: string): void;
  onSkip(reason: SkipReason, bytes: number): void;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * Splits a byte stream into lines on "\n" (dropping a trailing "\r"). Holds at most maxLineBytes of an
 * unfinished line: a longer one is dropped, reported once, and the splitter resyncs at the next newline.
 * Splitting bytes (not decoded text) keeps a multi-byte character cut between two reads intact.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an over-long line: bytes are thrown away until the next newline. */
  private discarding = false;
  private discarded = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** The chunk may be reused by the caller afterwards: anything kept is copied. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      const size = end - start;
      if (this.discarding) {
        this.discarded += size;
      } else if (this.pendingBytes + size > this.maxLineBytes) {
        this.discarding = true;
        this.discarded = this.pendingBytes + size;
        this.pending = [];
        this.pendingBytes = 0;
      } else if (newline >= 0) {
        this.emit(chunk, start, end);
      } else {
        this.pending.push(Buffer.from(chunk.subarray(start, end)));
        this.pendingBytes += size;
      }
      if (newline < 0) return;
      if (this.discarding) {
        this.discarding = false;
        this.sink.onSkip('line too long', this.discarded);
        this.discarded = 0;
      }
      start = newline + 1;
    }
  }

  /** The unfinished last line, e.g. when a rotated file will never be written again. */
  flush(): void {
    if (this.discarding) {
      this.sink.onSkip('line too long', this.discarded);
    } else if (this.pendingBytes > 0) {
      this.emit(Buffer.alloc(0), 0, 0);
    }
    this.reset();
  }

  /** Forgets the unfinished line (the file was truncated under it). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
    this.discarded = 0;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private emit(chunk: Buffer, start: number, end: number): void {
    let line: string;
    if (this.pendingBytes === 0) {
      line = chunk.toString('utf8', start, end);
    } else {
      this.pending.push(chunk.subarray(start, end));
      line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.sink.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
