import { describe, expect, it } from 'vitest';
import { BodyRateWatchdog, isClientBound, nextCredit, type WatchedBody } from './body-rate-watchdog.js';

/** A request body in progress, as the watchdog sees it; the test plays both the client and the gateway. */
class Upload implements WatchedBody {
  socket = { bytesRead: 300, destroyed: false };
  req = { readableFlowing: true as boolean | null, readableLength: 0, complete: false };
  send(bytes: number): void {
    this.socket.bytesRead += bytes;
  }
}

function watchdog(minRate = 500, idleMs = 20_000): { dog: BodyRateWatchdog<Upload>; refused: Upload[] } {
  const refused: Upload[] = [];
  return { dog: new BodyRateWatchdog<Upload>(minRate, idleMs, (u) => refused.push(u)), refused };
}

describe('the body rate watchdog (credit of min_rate × idle timeout bytes)', () => {
  it('ends a complete stall after the idle timeout, not before', () => {
    const { dog, refused } = watchdog();
    const u = new Upload();
    dog.watch(u, 0);
    for (let t = 1000; t <= 20_000; t += 1000) dog.tick(t);
    expect(refused).toEqual([]);
    dog.tick(21_000);
    expect(refused).toEqual([u]);
    expect(dog.size).toBe(0);
  });

  it('ends the report\'s drip (10 bytes every 2 s) a little after the idle timeout', () => {
    const { dog, refused } = watchdog();
    const u = new Upload();
    dog.watch(u, 0);
    let t = 0;
    while (refused.length === 0 && t < 60_000) {
      t += 1000;
      if (t % 2000 === 0) u.send(10);
      dog.tick(t);
    }
    expect(t).toBeGreaterThan(20_000);
    expect(t).toBeLessThanOrEqual(22_000);
  });

  it('lets a slow but steady upload through: a phone on venue Wi-Fi at 2 KB/s with pauses of 10 s', () => {
    const { dog, refused } = watchdog();
    const u = new Upload();
    dog.watch(u, 0);
    for (let t = 1000; t <= 300_000; t += 1000) {
      const second = (t / 1000) % 30;
      if (second >= 10) u.send(2000);
      dog.tick(t);
    }
    expect(refused).toEqual([]);
  });

  it('does not let a fast start buy minutes of dripping afterwards', () => {
    const { dog, refused } = watchdog();
    const u = new Upload();
    dog.watch(u, 0);
    u.send(5_000_000);
    dog.tick(1000);
    let t = 1000;
    while (refused.length === 0 && t < 600_000) dog.tick((t += 1000));
    expect(t).toBeLessThanOrEqual(22_000);
  });

  it('does not charge the client while the gateway is not reading (queued for the upstream, or paused by it)', () => {
    const { dog, refused } = watchdog();
    const u = new Upload();
    dog.watch(u, 0);
    u.req.readableFlowing = false;
    u.req.readableLength = 16_384;
    for (let t = 1000; t <= 120_000; t += 1000) dog.tick(t);
    expect(refused).toEqual([]);
    // Reading again: the client owes its rate from now on, with its credit intact.
    u.req.readableFlowing = true;
    u.req.readableLength = 0;
    for (let t = 121_000; t <= 140_000; t += 1000) dog.tick(t);
    expect(refused).toEqual([]);
    dog.tick(142_000);
    expect(refused).toEqual([u]);
  });

  it('forgets finished bodies and closed sockets', () => {
    const { dog, refused } = watchdog();
    const done = new Upload();
    const gone = new Upload();
    dog.watch(done, 0);
    dog.watch(gone, 0);
    done.req.complete = true;
    gone.socket.destroyed = true;
    dog.tick(60_000);
    expect(refused).toEqual([]);
    expect(dog.size).toBe(0);
  });

  it('computes the credit as a bucket capped at its capacity', () => {
    expect(nextCredit(10_000, 0, 1, true, 500, 10_000)).toBe(9500);
    expect(nextCredit(9500, 100_000, 1, true, 500, 10_000)).toBe(10_000);
    expect(nextCredit(100, 0, 1, false, 500, 10_000)).toBe(100);
    expect(isClientBound({ readableFlowing: null, readableLength: 0, complete: false })).toBe(false);
  });
});
