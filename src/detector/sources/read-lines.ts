import { createReadStream } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './line-splitter.js';
import type { SkipReason } from './line-splitter.js';

export interface ReadLinesOptions {
  maxLineBytes?: number;
  onSkip?: (reason: SkipReason, bytes: number) => void;
  /** Read buffer size; larger is faster for replay. Default 1 MiB. */
  chunkBytes?: number;
  /** Read only the first `bytes` bytes (the file's size when a replay planned it); default: to the end. */
  bytes?: number;
  /** Stops the read: the promise rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface ReadLinesResult {
  lines: number;
  skipped: number;
}

/**
 * Reads a whole file line by line, for replay. onLine runs synchronously per line; a last line without a
 * newline is still delivered. Memory stays at one read buffer plus one line, whatever the file size.
 */
export async function readLines(
  path: string,
  onLine: (line: string) => void,
  options: ReadLinesOptions = {},
): Promise<ReadLinesResult> {
  const result: ReadLinesResult = { lines: 0, skipped: 0 };
  const splitter = new LineSplitter(
    {
      onLine(line) {
        result.lines++;
        onLine(line);
      },
      onSkip(reason, bytes) {
        result.skipped++;
        options.onSkip?.(reason, bytes);
      },
    },
    options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  );
  if (options.bytes === 0) {
    options.signal?.throwIfAborted();
    return result;
  }
  const stream = createReadStream(path, {
    highWaterMark: options.chunkBytes ?? 1024 * 1024,
    ...(options.bytes !== undefined ? { start: 0, end: options.bytes - 1 } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  for await (const chunk of stream) splitter.push(chunk as Buffer);
  splitter.flush();
  return result;
}
