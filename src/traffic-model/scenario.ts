import { bookingAttacks, BOOKING_ATTACKS, mondayTraffic } from './booking.js';
import { fotospielAttacks, FOTOSPIEL_ATTACKS } from './fotospiel-attacks.js';
import { saturdayEvents, saturdayTraffic } from './fotospiel.js';
import type { ModelRequest, Scenario } from './model-request.js';
import { Random } from './random.js';

export const SCENARIOS = ['fotospiel-saturday', '6fb-monday'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioOptions {
  seed?: number;
  /** false: ordinary traffic only; a list: only these attacks. Default every attack. */
  attacks?: boolean | readonly string[];
  /** Size: events of the Saturday (default 36) or customers of the Monday (default 4,000; salons = customers / 100). */
  size?: number;
}

/** Saturday 13 June 2026 from 14:00 UTC; Monday 15 June 2026 from 05:00 UTC (07:00 in Berlin). */
const SATURDAY = Date.UTC(2026, 5, 13, 14);
const MONDAY = Date.UTC(2026, 5, 15, 5);

/** The service each scenario models: the playbook it is scored against must protect it. */
export const SCENARIO_SERVICE: Record<ScenarioName, string> = {
  'fotospiel-saturday': 'guest-api',
  '6fb-monday': 'booking-api',
};

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

/** Generates a scenario: the same name, seed and options give the same requests, byte for byte. */
export function buildScenario(name: ScenarioName, options: ScenarioOptions = {}): Scenario {
  const seed = options.seed ?? 1;
  const root = new Random(seed);
  const requests: ModelRequest[] = [];
  const only =
    options.attacks === undefined || options.attacks === true
      ? undefined
      : new Set(options.attacks === false ? [] : options.attacks);
  if (name === 'fotospiel-saturday') {
    const events = saturdayEvents(root.fork('events'), { start: SATURDAY, events: options.size ?? 36 });
    saturdayTraffic(root.fork('guests'), events, requests);
    fotospielAttacks(root.fork('attacks'), SATURDAY, events, requests, only);
    const guests = events.reduce((n, e) => n + e.guests, 0);
    return finish({
      name,
      service: SCENARIO_SERVICE[name],
      title: `a busy Saturday: ${events.length} events, ${guests} guests`,
      attacks: FOTOSPIEL_ATTACKS.filter((a) => only === undefined || only.has(a.name)),
      description: [
        `${events.length} events of ${Math.min(...events.map((e) => e.guests))}-${Math.max(...events.map((e) => e.guests))} guests, one join token each, 14:00-01:00 UTC`,
        "half of each venue's guests on its Wi-Fi behind one NAT address, half on three carriers' CGNAT pools",
        'two moments per event when 60% of the guests open the app within 5 minutes',
        'per event of 100+ guests: the whole gallery saved once on the venue Wi-Fi and once from home',
        'a photographer uploading 800 photos per event; tenant admins from shared offices; 30% of guests back from home',
      ],
      requests,
    });
  }
  const customers = options.size ?? 4000;
  const salons = Math.max(1, Math.round(customers / 100));
  mondayTraffic(root.fork('monday'), { start: MONDAY, salons, customers }, requests);
  bookingAttacks(root.fork('attacks'), MONDAY, requests, only);
  return finish({
    name,
    service: SCENARIO_SERVICE[name],
    title: `a Monday-morning booking peak: ${salons} salons, ${customers} customers`,
    attacks: BOOKING_ATTACKS.filter((a) => only === undefined || only.has(a.name)),
    description: [
      `${salons} salons: each front desk behind its office's one address, 2-4 staff polling the dashboard and sync status`,
      `${customers} customers booking from the app between 07:00 and 10:00 local, 60% on carriers' CGNAT`,
      'the app refreshing its token on start and every 15 minutes; 6% of logins start with a wrong password',
    ],
    requests,
  });
}

function finish(s: Omit<Scenario, 'start' | 'end'>): Scenario {
  s.requests.sort((a, b) => a.time - b.time);
  const first = s.requests[0]?.time ?? 0;
  const last = s.requests[s.requests.length - 1]?.time ?? first;
  return { ...s, start: first, end: last };
}
