import { statSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './line-splitter.js';
import type { SkipReason } from './line-splitter.js';

export interface TailOptions {
  /** 'end' skips what the file holds when tailFile is called; a file that appears later is read from its start. */
  from: 'end' | 'start';
  /** May return a promise: the tailer waits for it before the next line (back-pressure). */
  onLine: (line: string) => void | Promise<void>;
  onError?: (error: Error) => void;
  onSkip?: (reason: SkipReason, bytes: number) => void;
  /** Poll interval in ms (default 200); fs.watch only makes changes show up sooner. */
  pollMs?: number;
  maxLineBytes?: number;
}

export interface TailStats {
  lines: number;
  skipped: number;
  rotations: number;
  truncations: number;
}

export interface Tail {
  stop(): Promise<void>;
  stats(): TailStats;
  /** Whether the file is open and being read (false while it does not exist). */
  present(): boolean;
}

const READ_BYTES = 64 * 1024;

/**
 * Follows a log file like `tail -F`: survives rename-and-recreate rotation (finishes the old file, then reads
 * the new one from its start), copytruncate (size below our offset: start over at 0), a file that does not exist
 * yet, partial last lines, and over-long lines. Polls with fs.stat; fs.watch on the folder only wakes it early.
 * Limit: a copytruncate followed by more writes than we had read, all between two polls, looks like growth.
 */
export function tailFile(path: string, options: TailOptions): Tail {
  const pollMs = options.pollMs ?? 200;
  const counts: TailStats = { lines: 0, skipped: 0, rotations: 0, truncations: 0 };
  const buffer = Buffer.alloc(READ_BYTES);
  const lines: string[] = [];
  const splitter = new LineSplitter(
    {
      onLine: (line) => lines.push(line),
      onSkip: (reason, bytes) => {
        counts.skipped++;
        options.onSkip?.(reason, bytes);
      },
    },
    options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  );

  let handle: FileHandle | null = null;
  let ino = -1;
  let offset = 0;
  // 'end' means the end as of this call, not as of the first asynchronous open.
  const initial = options.from === 'end' ? safeStat(path) : null;
  let firstOpen = true;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let lastError = '';

  const report = (error: unknown): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    // A lasting condition (no permission) is reported once, not every poll.
    if (err.message === lastError) return;
    lastError = err.message;
    options.onError?.(err);
  };

  const deliver = async (): Promise<void> => {
    while (lines.length > 0 && !stopped) {
      const line = lines.shift() as string;
      counts.lines++;
      try {
        // Only a handler that returned a promise costs a wait.
        const pending = options.onLine(line);
        if (pending) await pending;
      } catch (error) {
        report(error);
      }
    }
  };

  /** Reads everything after offset; returns when the file has no more bytes for now. */
  const drain = async (file: FileHandle): Promise<void> => {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, READ_BYTES, offset);
      if (bytesRead === 0 || stopped) return;
      offset += bytesRead;
      splitter.push(buffer.subarray(0, bytesRead));
      await deliver();
    }
  };

  const closeHandle = async (): Promise<void> => {
    const file = handle;
    handle = null;
    if (file) await file.close().catch(report);
  };

  const tryOpen = async (): Promise<FileHandle | null> => {
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') report(error);
      firstOpen = false;
      return null;
    }
    const info = await file.stat();
    handle = file;
    ino = info.ino;
    offset = firstOpen && initial !== null && initial.ino === info.ino ? Math.min(initial.size, info.size) : 0;
    firstOpen = false;
    splitter.reset();
    return file;
  };

  const poll = async (): Promise<void> => {
    const file = handle ?? (await tryOpen());
    if (file === null) return;
    const own = await file.stat();
    if (own.size < offset) {
      counts.truncations++;
      offset = 0;
      splitter.reset();
    }
    await drain(file);
    if (stopped) return;
    let current: Awaited<ReturnType<typeof stat>> | null = null;
    try {
      current = await stat(path);
    } catch (error) {
      // Renamed away and not recreated yet: keep reading the old file, the writer may still use it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (current !== null && current.ino !== ino) {
      // Rotated: whatever the writer added to the old file before reopening comes first.
      await drain(file);
      splitter.flush();
      await deliver();
      await closeHandle();
      counts.rotations++;
      firstOpen = false;
      const next = await tryOpen();
      if (next !== null) await drain(next);
    }
    lastError = '';
  };

  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    running = poll()
      .catch(report)
      .finally(() => {
        running = null;
        if (stopped) return;
        if (again) {
          again = false;
          run();
        } else {
          timer = setTimeout(run, pollMs);
        }
      });
  };

  let watcher: FSWatcher | null = null;
  try {
    const name = basename(path);
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) run();
    });
    watcher.on('error', () => {
      // The folder went away or the platform cannot watch: polling carries on alone.
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null;
  }
  run();

  return {
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
      if (running) await running;
      await closeHandle();
    },
    stats: () => ({ ...counts }),
    present: () => handle !== null,
  };
}

function safeStat(path: string): { ino: number; size: number } | null {
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    return info ? { ino: info.ino, size: info.size } : null;
  } catch {
    return null;
  }
}
