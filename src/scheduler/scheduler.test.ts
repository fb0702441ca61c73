import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { Writable } from 'node:stream';
import { createLogger } from '../shared/logger.js';
import { createScheduler } from './scheduler.js';

describe('scheduler', () => {
  it('runs each job when its interval has passed on the injected clock, and survives a failing job', async () => {
    const clock = new ManualClock('2026-01-05T10:00:00.000Z');
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ destination });
    const scheduler = createScheduler({ clock, logger });
    const runs: string[] = [];
    scheduler.add({
      name: 'minutely',
      everyMs: 60_000,
      run: (now) => Promise.resolve(void runs.push(`m@${now.toISOString().slice(11, 16)}`)),
    });
    scheduler.add({ name: 'broken', everyMs: 60_000, run: () => Promise.reject(new Error('boom')) });
    scheduler.add({
      name: 'hourly',
      everyMs: 3_600_000,
      run: (now) => Promise.resolve(void runs.push(`h@${now.toISOString().slice(11, 16)}`)),
    });
    expect(await scheduler.tick()).toEqual(['minutely', 'hourly']);
    clock.advance(30_000);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(30_000);
    expect(await scheduler.tick()).toEqual(['minutely']);
    expect(await scheduler.tick(new Date('2026-01-05T11:00:00.000Z'))).toEqual(['minutely', 'hourly']);
    expect(runs).toEqual(['m@10:00', 'h@10:00', 'm@10:01', 'm@11:00', 'h@11:00']);
    expect(lines.filter((l) => l.includes('scheduled job failed'))).toHaveLength(3);
    expect(() => scheduler.add({ name: 'hourly', everyMs: 1, run: () => Promise.resolve() })).toThrow(
      /already scheduled/,
    );
    await scheduler.stop();
  });
});
