import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook, type Playbook } from '../playbook/index.js';
import { TokenStats } from '../traffic/token-stats.js';
import { TrafficRecorder } from '../traffic/traffic-recorder.js';
import { DEFAULT_MAX_EVENTS } from './recent-events.js';
import { createDetector } from './engine.js';
import { requestEvent, T0 } from './testing/events.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function seed(name: string): Promise<Playbook> {
  const loaded = await loadPlaybook(resolve('playbooks', name));
  if (!loaded.ok) throw new Error(`${name} does not load`);
  return loaded.playbook;
}

/** The caps README.md ("Memory") states for the all-in-one process; a change to one is a change to the README. */
const STATED = { keysPerRule: 20_000, recentEvents: 25_000, tokens: 5_000 };

describe('the all-in-one process under a flood of invented tokens and addresses', () => {
  it("holds the detector's and the console's per-key state at the stated caps", async () => {
    const playbooks = [await seed('fotospiel-public-api.yaml'), await seed('6fb-booking.yaml')];
    // The same wiring as rampart up (app/compose.ts): the detector, and the traffic recorder fed what it sees.
    const detector = createDetector({ playbooks, onSignal: () => undefined, tokenKey: 'k'.repeat(32) });
    const traffic = new TrafficRecorder(() => detector.recent);
    gc();
    const before = process.memoryUsage().heapUsed;
    const statuses = [200, 200, 404, 401, 403, 429, 500];
    const N = 120_000;
    for (let i = 0; i < N; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const token = `flood${i.toString(16).padStart(8, '0')}`;
      const booking = i % 3 === 0;
      const event = requestEvent({
        time: T0 + i * 2,
        service: booking ? 'booking-api' : 'guest-api',
        path: booking ? `/bookings/${i}` : `/api/v1/events/${token}/photos`,
        route: booking ? 'bookings' : 'event-api',
        status: statuses[i % statuses.length]!,
        ip,
        tokenHash: booking ? null : `h${i.toString(36).padStart(31, '0')}`,
        tokenPreview: booking ? null : `${token.slice(0, 4)}…${token.slice(-2)}`,
        subject: booking ? `user-${i}` : null,
        userAgent: `agent-${i % 97}`,
      });
      detector.ingest(event);
      traffic.record(event);
    }
    const stats = detector.stats();
    expect(stats.events).toBe(N);
    expect(stats.recentEvents).toBe(Math.min(N, STATED.recentEvents));
    expect(DEFAULT_MAX_EVENTS).toBe(STATED.recentEvents);
    const busy = stats.rules.filter((r) => r.keys > 0);
    expect(busy.length).toBeGreaterThan(2);
    for (const r of stats.rules) {
      expect(r.maxKeys, `${r.service}/${r.rule}`).toBeLessThanOrEqual(STATED.keysPerRule);
      expect(r.keys, `${r.service}/${r.rule}`).toBeLessThanOrEqual(r.maxKeys);
    }
    expect(traffic.tokens({ limit: 100_000 }).length).toBeLessThanOrEqual(STATED.tokens);
    expect(new TokenStats().capacity).toBe(STATED.tokens);
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    // Generous on purpose (the bench measures the real process); this catches a map that grows per event.
    expect(grownMb).toBeLessThan(120);
  }, 120_000);
});
