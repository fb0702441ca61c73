import type { ModelRequest } from './model-request.js';
import { businessAddress, carrierAddress, carriers, homeAddress } from './networks.js';
import type { Carrier } from './networks.js';
import type { Random } from './random.js';

/**
 * Ordinary traffic of the fotospiel guest API on a busy Saturday: events of 30 to 500 guests, each sharing one
 * join token over an evening; half of a venue's guests on its Wi-Fi behind one NAT address, the other half on
 * three carriers' CGNAT pools; two "moments" per event (first dance, cake) when most guests open the app at
 * once; a guest saving the whole gallery on the venue Wi-Fi and another from home; a photographer uploading 800
 * photos; the tenant's admin from the office; guests looking at the gallery from home afterwards; a few guests
 * who first try the save-the-date link's old token.
 */

const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0 Mobile Safari/537.36',
];
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

export interface GuestEvent {
  id: number;
  token: string;
  /** The save-the-date link's token, replaced since: the app answers 404. */
  staleToken: string;
  guests: number;
  start: number;
  end: number;
  venue: string;
  photos: number;
}

export interface SaturdayOptions {
  start: number;
  events: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Sizes of the events of a Saturday: mostly weddings of 80-250, a few of 30 and a few of 500. */
function guestCount(r: Random): number {
  const x = r.next();
  if (x < 0.15) return r.int(30, 60);
  if (x < 0.85) return r.int(80, 250);
  return r.int(400, 500);
}

export function saturdayEvents(r: Random, options: SaturdayOptions): GuestEvent[] {
  return Array.from({ length: options.events }, (_, id) => {
    const start = options.start + r.int(0, 5 * HOUR);
    const guests = guestCount(r);
    return {
      id,
      token: r.token(24),
      staleToken: r.token(24),
      guests,
      start,
      end: start + r.int(5, 7) * HOUR,
      venue: businessAddress(r),
      photos: Math.min(400, 60 + guests * 2),
    };
  });
}

/** Emits one guest-API request; `ok` statuses get the occasional missing photo (404) or failure (500). */
class Emitter {
  constructor(
    private readonly r: Random,
    readonly out: ModelRequest[],
  ) {}

  add(time: number, ip: string, method: string, path: string, query: string | null, agent: string,
    options: { status?: number; bytes?: number; durationMs?: number; attack?: string } = {}): void {
    let status = options.status ?? 200;
    if (options.status === undefined) {
      const x = this.r.next();
      if (x < 0.003) status = 404;
      else if (x < 0.004) status = 500;
      else if (method === 'GET' && x < 0.05) status = 304;
    }
    this.out.push({
      time,
      ip,
      method,
      path,
      query,
      status,
      bytes: status === 200 ? (options.bytes ?? this.r.int(800, 40_000)) : 0,
      durationMs: options.durationMs ?? Math.round(20 + this.r.next() ** 3 * 600),
      userAgent: agent,
      attack: options.attack ?? null,
    });
  }
}

/** One visit of the app: stats, a page or two of photos with their thumbnails, maybe uploads, maybe the gallery. */
function session(e: Emitter, r: Random, ev: GuestEvent, ip: string, agent: string, at: number): number {
  let t = at;
  const step = () => (t += r.int(300, 4000));
  const token = ev.token;
  e.add(step(), ip, 'GET', `/api/v1/events/${token}/stats`, null, agent, { bytes: 400 });
  const pages = r.chance(0.5) ? r.int(2, 3) : 1;
  for (let p = 1; p <= pages; p++) {
    e.add(step(), ip, 'GET', `/api/v1/events/${token}/photos`, `page=${p}`, agent);
    for (let i = 0; i < 6; i++) {
      t += r.int(30, 200);
      e.add(t, ip, 'GET', `/api/v1/downloads/${r.int(1, ev.photos)}_thumb.jpg`, `token=${token}&signature=${r.token(16)}`, agent, {
        bytes: r.int(8_000, 30_000),
      });
    }
  }
  if (r.chance(0.3)) {
    for (let i = r.int(1, 4); i > 0; i--)
      e.add(step(), ip, 'POST', `/api/v1/events/${token}/upload`, null, agent, {
        status: 201,
        durationMs: r.int(600, 3000),
      });
  }
  if (r.chance(0.4)) {
    e.add(step(), ip, 'GET', `/api/v1/gallery/${token}/photos`, null, agent);
    for (let i = r.int(0, 3); i > 0; i--)
      e.add(step(), ip, 'GET', `/api/v1/downloads/${r.int(1, ev.photos)}.jpg`, `token=${token}&signature=${r.token(16)}`, agent, {
        bytes: r.int(1_000_000, 4_000_000),
        durationMs: r.int(100, 900),
      });
  }
  return t;
}

/** The whole gallery saved photo by photo (the PWA's "save all"), a few per second. */
function saveGallery(e: Emitter, r: Random, ev: GuestEvent, ip: string, agent: string, at: number): void {
  let t = at;
  e.add(t, ip, 'GET', `/api/v1/gallery/${ev.token}/photos`, null, agent);
  for (let id = 1; id <= ev.photos; id++) {
    t += r.int(150, 600);
    e.add(t, ip, 'GET', `/api/v1/downloads/${id}.jpg`, `token=${ev.token}&signature=${r.token(16)}`, agent, {
      bytes: r.int(1_000_000, 4_000_000),
      durationMs: r.int(100, 900),
    });
  }
}

function guestTraffic(e: Emitter, r: Random, ev: GuestEvent, pool: readonly Carrier[]): void {
  const moments = [ev.start + r.int(90, 150) * MIN, ev.start + r.int(200, 280) * MIN];
  for (let g = 0; g < ev.guests; g++) {
    const agent = r.pick(AGENTS);
    const onWifi = r.chance(0.5);
    const carrier = r.pick(pool);
    let ip = onWifi ? ev.venue : carrierAddress(r, carrier);
    const arrival = ev.start + r.int(0, 120) * MIN;
    const visits = [arrival];
    for (let s = r.int(2, 5); s > 0; s--) visits.push(arrival + r.int(0, ev.end - arrival));
    // Most guests who are there open the app at each moment, within a few minutes of each other.
    for (const m of moments) if (m > arrival && r.chance(0.6)) visits.push(m + r.int(0, 5 * MIN));
    visits.sort((a, b) => a - b);
    visits.forEach((at, i) => {
      if (!onWifi && r.chance(0.3)) ip = carrierAddress(r, carrier);
      if (i === 0 && r.chance(0.02)) {
        // The old link from the save-the-date card first.
        e.add(at, ip, 'GET', `/api/v1/events/${ev.staleToken}/stats`, null, agent, { status: 404, bytes: 60 });
        at += r.int(20_000, 90_000);
      }
      session(e, r, ev, ip, agent, at);
    });
    // Afterwards, a third of the guests look at the gallery again from home.
    if (r.chance(0.3)) {
      const home = homeAddress(r);
      const at = ev.end + r.int(0, 3 * HOUR);
      e.add(at, home, 'GET', `/api/v1/gallery/${ev.token}/photos`, null, DESKTOP);
      let t = at;
      for (let i = r.int(2, 10); i > 0; i--) {
        t += r.int(2000, 20_000);
        e.add(t, home, 'GET', `/api/v1/downloads/${r.int(1, ev.photos)}.jpg`, `token=${ev.token}&signature=${r.token(16)}`, DESKTOP, {
          bytes: r.int(1_000_000, 4_000_000),
        });
      }
    }
  }
  if (ev.guests >= 100) {
    // One guest saves the whole gallery on the venue's Wi-Fi late in the evening, another from home.
    saveGallery(e, r, ev, ev.venue, r.pick(AGENTS), ev.end - r.int(30, 60) * MIN);
    saveGallery(e, r, ev, homeAddress(r), DESKTOP, ev.end + r.int(30, 120) * MIN);
  }
}

/** The photographer's 800 photos: from the venue's Wi-Fi during the evening, or from the studio afterwards. */
function photographer(e: Emitter, r: Random, ev: GuestEvent): void {
  const atVenue = r.chance(0.5);
  const ip = atVenue ? ev.venue : businessAddress(r);
  let t = atVenue ? ev.start + r.int(60, 180) * MIN : ev.end + r.int(10, 60) * MIN;
  for (let i = 0; i < 800; i++) {
    t += r.int(1500, 6000);
    e.add(t, ip, 'POST', `/api/v1/events/${ev.token}/upload`, null, 'Lightroom-Uploader/2.4', {
      status: 201,
      durationMs: r.int(800, 4000),
    });
  }
}

/** The tenant's admin checks the event from the office now and then: stats, photos, the gallery. */
function tenantAdmin(e: Emitter, r: Random, ev: GuestEvent, office: string): void {
  for (let v = r.int(2, 5); v > 0; v--) {
    let t = ev.start + r.int(0, ev.end - ev.start);
    for (let i = r.int(5, 25); i > 0; i--) {
      t += r.int(2000, 30_000);
      const kind = r.next();
      if (kind < 0.3) e.add(t, office, 'GET', `/api/v1/events/${ev.token}/stats`, null, DESKTOP, { bytes: 400 });
      else if (kind < 0.7) e.add(t, office, 'GET', `/api/v1/events/${ev.token}/photos`, `page=${r.int(1, 8)}`, DESKTOP);
      else e.add(t, office, 'GET', `/api/v1/gallery/${ev.token}/photos`, null, DESKTOP);
    }
  }
}

export function saturdayTraffic(r: Random, events: readonly GuestEvent[], out: ModelRequest[]): void {
  const e = new Emitter(r, out);
  const pool = carriers(r);
  // A few tenants (photo studios, planners) run several of the evening's events from one office.
  const offices = Array.from({ length: Math.max(1, Math.ceil(events.length / 4)) }, () => businessAddress(r));
  for (const ev of events) {
    guestTraffic(e, r, ev, pool);
    photographer(e, r, ev);
    tenantAdmin(e, r, ev, r.pick(offices));
  }
  // The uptime check every minute.
  const first = Math.min(...events.map((ev) => ev.start));
  const last = Math.max(...events.map((ev) => ev.end)) + 4 * HOUR;
  for (let t = first; t < last; t += MIN) e.add(t, '192.0.2.10', 'GET', '/health', null, 'uptime-check/1.0', { status: 200, bytes: 20 });
}

export { AGENTS as GUEST_AGENTS, Emitter as GuestEmitter };
export type { Carrier };
