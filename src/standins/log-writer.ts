import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** An append-only log file, as the seed apps write them; lines are queued in order, close() flushes. */
export interface LogWriter {
  path: string;
  write(line: string): void;
  close(): Promise<void>;
}

export function openLog(path: string): LogWriter {
  mkdirSync(dirname(path), { recursive: true });
  const stream: WriteStream = createWriteStream(path, { flags: 'a' });
  // A full disk or a removed directory must not crash the stand-in: the log is evidence, not the service.
  stream.on('error', () => undefined);
  return {
    path,
    write(line) {
      if (!stream.writableEnded) stream.write(`${line}\n`);
    },
    close: () => new Promise<void>((done) => (stream.writableEnded ? done() : stream.end(() => done()))),
  };
}

/** Laravel's default Monolog stamp, "2025-10-19 23:00:47", in UTC (the detector reads a zone-less time as UTC). */
export function laravelStamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}
