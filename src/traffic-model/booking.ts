import type { AttackInfo, ModelRequest } from './model-request.js';
import { botAddress, businessAddress, carrierAddress, carriers, homeAddress } from './networks.js';
import type { Random } from './random.js';

/**
 * Ordinary traffic of the 6FB booking API on a Monday morning: salons open, each front desk behind its office's
 * one address with two to four staff logged in, the dashboard and sync status polled all morning; customers
 * book from the mobile app (carriers' CGNAT or home), the app refreshing its token on every start and every
 * 15 minutes, a few typing a wrong password first; the booking peak between 07:00 and 10:00 local.
 */

const MIN = 60_000;
const APP = '6FB-Booking/3.2 (iOS 17.4; okhttp-compatible)';
const DESK = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const SCRIPT = 'python-requests/2.31.0';

class Emitter {
  constructor(
    private readonly r: Random,
    readonly out: ModelRequest[],
  ) {}

  add(time: number, ip: string, method: string, path: string, agent: string,
    o: { status?: number; subject?: string; query?: string; attack?: string; badToken?: boolean; durationMs?: number } = {}): void {
    let status = o.status ?? (method === 'POST' && path === '/bookings' ? 201 : 200);
    if (o.status === undefined && this.r.chance(0.001)) status = 500;
    this.out.push({
      time,
      ip,
      method,
      path,
      query: o.query ?? null,
      status,
      bytes: status < 300 ? this.r.int(200, 8000) : 80,
      durationMs: o.durationMs ?? Math.round(15 + this.r.next() ** 3 * 700),
      userAgent: agent,
      ...(o.subject !== undefined ? { subject: o.subject } : {}),
      ...(o.badToken === true ? { badToken: true } : {}),
      attack: o.attack ?? null,
    });
  }
}

export interface MondayOptions {
  start: number;
  salons: number;
  customers: number;
}

/** Login with the occasional wrong password first. */
function login(e: Emitter, r: Random, ip: string, agent: string, at: number, subject: string): number {
  let t = at;
  if (r.chance(0.06)) {
    e.add(t, ip, 'POST', '/auth/login', agent, { status: 401 });
    t += r.int(5000, 20_000);
  }
  e.add(t, ip, 'POST', '/auth/login', agent, { subject });
  return t;
}

function frontDesk(e: Emitter, r: Random, start: number, end: number, index: number): void {
  const office = businessAddress(r);
  for (let s = r.int(2, 4); s > 0; s--) {
    const subject = `staff-${index}-${s}`;
    let t = login(e, r, office, DESK, start + r.int(0, 90) * MIN, subject);
    let refresh = t + 15 * MIN;
    while (t < end) {
      t += r.int(25_000, 60_000);
      e.add(t, office, 'GET', '/dashboard/summary', DESK, { subject });
      if (r.chance(0.5)) e.add(t + 300, office, 'GET', '/sync-status', DESK, { subject });
      if (r.chance(0.3)) e.add(t + 600, office, 'GET', '/bookings', DESK, { subject, query: 'date=today' });
      if (r.chance(0.05)) e.add(t + 2000, office, 'POST', '/bookings', DESK, { subject });
      if (t >= refresh) {
        e.add(t + 100, office, 'POST', '/auth/refresh', DESK, { subject });
        refresh = t + 15 * MIN;
      }
    }
  }
}

function customer(e: Emitter, r: Random, start: number, index: number, pool: ReturnType<typeof carriers>): void {
  const subject = `customer-${index}`;
  const mobile = r.chance(0.6);
  const carrier = r.pick(pool);
  const ip = mobile ? carrierAddress(r, carrier) : homeAddress(r);
  // The peak: most customers book between 07:00 and 10:00 local (05:00-08:00 UTC), a triangle around 06:30.
  let t = start + Math.round(((r.next() + r.next()) / 2) * 180) * MIN;
  if (r.chance(0.15)) t = login(e, r, ip, APP, t, subject) + r.int(500, 2000);
  else if (r.chance(0.25)) {
    // Woken from the background with yesterday's access token: the gateway refuses it (expired), the app refreshes.
    e.add(t, ip, 'GET', '/bookings', APP, { status: 401, badToken: true });
    e.add((t += r.int(200, 800)), ip, 'POST', '/auth/refresh', APP, { subject });
    t += r.int(300, 1500);
  } else {
    e.add(t, ip, 'POST', '/auth/refresh', APP, { subject });
    t += r.int(300, 1500);
  }
  const open = t;
  e.add(t, ip, 'GET', '/bookings', APP, { subject });
  for (let i = r.int(1, 6); i > 0; i--) e.add((t += r.int(2000, 15_000)), ip, 'GET', '/bookings/availability', APP, { subject, query: `date=2026-06-${r.int(15, 30)}` });
  if (r.chance(0.6)) e.add((t += r.int(5000, 30_000)), ip, 'POST', '/bookings', APP, { subject, durationMs: r.int(80, 600) });
  if (r.chance(0.3)) e.add((t += r.int(5000, 30_000)), ip, 'GET', `/bookings/${r.int(1000, 99_999)}`, APP, { subject });
  // Still open a quarter of an hour later: the app refreshes its token.
  if (t - open > 0 && r.chance(0.2)) e.add(open + 15 * MIN, ip, 'POST', '/auth/refresh', APP, { subject });
}

export function mondayTraffic(r: Random, options: MondayOptions, out: ModelRequest[]): void {
  const e = new Emitter(r, out);
  const end = options.start + 6 * 60 * MIN;
  for (let s = 0; s < options.salons; s++) frontDesk(e, r, options.start, end, s);
  const pool = carriers(r);
  for (let c = 0; c < options.customers; c++) customer(e, r, options.start, c, pool);
  for (let t = options.start; t < end; t += MIN) e.add(t, '192.0.2.10', 'GET', '/health', 'uptime-check/1.0');
}

export const BOOKING_ATTACKS: readonly AttackInfo[] = [
  { name: 'credential-stuffing', drill: 'credential-stuffing', title: 'one address tries 25 accounts on POST /auth/login' },
  { name: 'request-flood', drill: 'request-flood', title: '50 addresses of one /24 send 5 GET /bookings each with one session' },
  { name: 'revoke-all-sessions', drill: 'revoke-all-sessions', title: 'forged JWTs (an authentication bypass being tried) on /bookings' },
  { name: 'xff-spoofing', drill: 'xff-spoofing', title: 'one untrusted peer sends 110 requests, each with a new X-Forwarded-For', caughtByLimits: true },
  { name: 'botnet-stuffing', title: 'credential stuffing from 3,000 addresses, one try each, over 30 minutes' },
  { name: 'booking-outage', title: 'the booking API answers 500 for 3 minutes' },
];

const AT: Record<string, number> = {
  'credential-stuffing': 40 * MIN,
  'request-flood': 80 * MIN,
  'revoke-all-sessions': 120 * MIN,
  'botnet-stuffing': 150 * MIN,
  'xff-spoofing': 200 * MIN,
  'booking-outage': 220 * MIN,
};

export function bookingAttacks(r: Random, start: number, out: ModelRequest[], only?: ReadonlySet<string>): void {
  const e = new Emitter(r, out);
  const want = (name: string) => only === undefined || only.has(name);
  const at = (name: string) => start + (AT[name] ?? 0);
  if (want('credential-stuffing')) {
    let t = at('credential-stuffing');
    for (let i = 0; i < 25; i++) e.add((t += r.int(200, 600)), '198.51.100.66', 'POST', '/auth/login', SCRIPT, { status: 401, attack: 'credential-stuffing' });
  }
  if (want('request-flood')) {
    let t = at('request-flood');
    for (let i = 0; i < 250; i++)
      e.add((t += r.int(5, 40)), `198.18.7.${(i % 50) + 10}`, 'GET', '/bookings', SCRIPT, { subject: 'loadtest', attack: 'request-flood' });
  }
  if (want('revoke-all-sessions')) {
    let t = at('revoke-all-sessions');
    for (let i = 0; i < 20; i++)
      e.add((t += r.int(2000, 8000)), '198.51.100.140', 'GET', '/bookings', SCRIPT, { status: 401, badToken: true, attack: 'revoke-all-sessions' });
  }
  if (want('botnet-stuffing')) {
    const from = at('botnet-stuffing');
    for (let i = 0; i < 3000; i++)
      e.add(from + r.int(0, 30 * MIN), botAddress(r), 'POST', '/auth/login', APP, { status: r.chance(0.003) ? 200 : 401, attack: 'botnet-stuffing' });
  }
  if (want('xff-spoofing')) {
    let t = at('xff-spoofing');
    for (let i = 0; i < 110; i++) {
      e.add((t += r.int(20, 80)), '198.51.100.23', 'GET', '/bookings', SCRIPT, { status: 401, attack: 'xff-spoofing' });
      (out[out.length - 1] as ModelRequest).spoofed = true;
    }
  }
  if (want('booking-outage')) {
    const from = at('booking-outage');
    for (const req of out)
      if (req.attack === null && req.time >= from && req.time < from + 3 * MIN && req.path !== '/health') {
        req.status = 500;
        req.attack = 'booking-outage';
      }
  }
}
