import type { GuestEvent } from './fotospiel.js';
import { GuestEmitter, GUEST_AGENTS } from './fotospiel.js';
import type { AttackInfo, ModelRequest } from './model-request.js';
import { DATACENTRE_SUBNETS } from './networks.js';
import type { Random } from './random.js';

const MIN = 60_000;
const SCRIPT = 'python-requests/2.31.0';

/**
 * The attacks mixed into the fotospiel Saturday: each drill of src/drills/catalog that targets the guest API,
 * as its requests would reach the gateway, plus what the drills cannot send from one machine: enumeration
 * spread low and slow over several networks and over a /16, and a live event's leaked token scraped from a
 * data-centre range.
 */
export const FOTOSPIEL_ATTACKS: readonly AttackInfo[] = [
  { name: 'token-enumeration', drill: 'token-enumeration', title: '25 addresses of one /24 guess a join token each' },
  { name: 'five-xx-regression', drill: 'five-xx-regression', title: 'a bad release: the app answers 500 for 4 minutes' },
  { name: 'storage-failure', drill: 'storage-failure', title: 'storage lost: gallery, photos and uploads answer 500 for 5 minutes' },
  { name: 'token-mass-download', drill: 'token-mass-download', title: "a fresh event's token used by 55 addresses of one /24 (gallery + download each)" },
  { name: 'xff-flood', title: 'one untrusted peer floods an event (100/s) with a new X-Forwarded-For on every request', caughtByLimits: true },
  { name: 'datacentre-scrape', title: "a live event's leaked token: its gallery scraped from 3 addresses of a data-centre /24" },
  { name: 'slow-enumeration-24s', title: 'low and slow: 8 /24s in 8 different /16s, one guessed token each every 6 minutes for an hour' },
  { name: 'gallery-harvest', title: "one address downloads from 25 events' galleries in 20 minutes (links harvested from social media)" },
  { name: 'scanner', title: 'a vulnerability scanner (Nikto) probing for .env, .git, backups and admin panels from one address' },
  { name: 'slow-enumeration-16', title: 'low and slow: 150 addresses all over one /16, one guessed token each over 45 minutes' },
];

/** Start of each attack, as an offset into the evening (the attacks do not overlap). */
const AT: Record<string, number> = {
  'token-enumeration': 60 * MIN,
  'five-xx-regression': 150 * MIN,
  'storage-failure': 230 * MIN,
  'token-mass-download': 300 * MIN,
  'xff-flood': 340 * MIN,
  'datacentre-scrape': 380 * MIN,
  'slow-enumeration-24s': 420 * MIN,
  'slow-enumeration-16': 500 * MIN,
  'gallery-harvest': 560 * MIN,
  scanner: 600 * MIN,
};

/** Ordinary requests in [from, to) get the failing answer and count as the attack (an outage is the "attack"). */
function fail(out: ModelRequest[], attack: string, from: number, to: number, hit: (req: ModelRequest) => boolean): void {
  for (const req of out)
    if (req.attack === null && req.time >= from && req.time < to && hit(req)) {
      req.status = 500;
      req.bytes = 0;
      req.attack = attack;
    }
}

export function fotospielAttacks(r: Random, evening: number, events: readonly GuestEvent[], out: ModelRequest[], only?: ReadonlySet<string>): void {
  const e = new GuestEmitter(r, out);
  const want = (name: string) => only === undefined || only.has(name);
  const at = (name: string) => evening + (AT[name] ?? 0);
  const guess = () => r.token(24);

  if (want('token-enumeration')) {
    let t = at('token-enumeration');
    for (let i = 1; i <= 25; i++)
      e.add((t += r.int(50, 300)), `203.0.113.${i}`, 'GET', `/api/v1/events/${guess()}/stats`, null, SCRIPT, {
        status: 404, bytes: 60, attack: 'token-enumeration' });
  }
  if (want('five-xx-regression')) {
    const from = at('five-xx-regression');
    fail(out, 'five-xx-regression', from, from + 4 * MIN, (q) => q.path.startsWith('/api/v1/'));
  }
  if (want('storage-failure')) {
    const from = at('storage-failure');
    fail(out, 'storage-failure', from, from + 5 * MIN, (q) =>
      q.path.startsWith('/api/v1/gallery/') || q.path.includes('/photos') || q.path.endsWith('/upload') || q.path.startsWith('/api/v1/downloads/'));
  }
  if (want('token-mass-download')) {
    const token = r.token(24);
    let t = at('token-mass-download');
    for (let i = 1; i <= 55; i++) {
      const ip = `198.18.20.${i}`;
      e.add((t += r.int(20, 200)), ip, 'GET', `/api/v1/gallery/${token}/photos`, null, SCRIPT, { attack: 'token-mass-download', status: 200 });
      e.add(t + r.int(50, 200), ip, 'GET', `/api/v1/downloads/${r.int(1, 40)}.jpg`, `token=${token}&signature=${r.token(16)}`, SCRIPT, {
        attack: 'token-mass-download', status: 200, bytes: 2_000_000 });
    }
  }
  if (want('xff-flood')) {
    const ev = events[0];
    let t = at('xff-flood');
    // About 100 a second for a minute: four times what the per-IP limit lets through once its burst is spent.
    for (let i = 0; i < 6000 && ev !== undefined; i++) {
      e.add((t += r.int(5, 15)), '198.51.100.23', 'GET', `/api/v1/events/${ev.token}/stats`, null, SCRIPT, {
        attack: 'xff-flood', status: 200, bytes: 400 });
      (out[out.length - 1] as ModelRequest).spoofed = true;
    }
  }
  if (want('datacentre-scrape')) {
    // The biggest event of the evening: its guests are using the token right now.
    const ev = [...events].sort((a, b) => b.guests - a.guests)[0];
    const subnet = r.pick(DATACENTRE_SUBNETS);
    const from = at('datacentre-scrape');
    for (let w = 0; w < 3 && ev !== undefined; w++) {
      const ip = `${subnet}.${r.int(2, 250)}`;
      let t = from + w * 1000;
      e.add(t, ip, 'GET', `/api/v1/gallery/${ev.token}/photos`, null, SCRIPT, { attack: 'datacentre-scrape', status: 200 });
      for (let id = 1 + w; id <= ev.photos; id += 3)
        e.add((t += r.int(200, 500)), ip, 'GET', `/api/v1/downloads/${id}.jpg`, `token=${ev.token}&signature=${r.token(16)}`, SCRIPT, {
          attack: 'datacentre-scrape', status: 200, bytes: 2_500_000 });
    }
  }
  if (want('slow-enumeration-24s')) {
    const nets = Array.from({ length: 8 }, (_, i) => `${[45, 62, 78, 93, 104, 146, 171, 193][i]}.${r.int(0, 255)}.${r.int(0, 255)}`);
    const from = at('slow-enumeration-24s');
    for (const net of nets)
      for (let k = 0; k < 10; k++)
        e.add(from + k * 6 * MIN + r.int(0, 5 * MIN), `${net}.${r.int(1, 254)}`, 'GET', `/api/v1/events/${guess()}/stats`, null,
          GUEST_AGENTS[0] as string, { status: 404, bytes: 60, attack: 'slow-enumeration-24s' });
  }
  if (want('gallery-harvest')) {
    let t = at('gallery-harvest');
    const ip = '91.64.12.99';
    for (const ev of events.slice(0, 25)) {
      e.add((t += r.int(20_000, 60_000)), ip, 'GET', `/api/v1/gallery/${ev.token}/photos`, null, SCRIPT, { attack: 'gallery-harvest', status: 200 });
      for (let k = 0; k < 3; k++)
        e.add((t += r.int(500, 2000)), ip, 'GET', `/api/v1/downloads/${r.int(1, ev.photos)}.jpg`, `token=${ev.token}&signature=${r.token(16)}`, SCRIPT, {
          attack: 'gallery-harvest', status: 200, bytes: 2_500_000 });
    }
  }
  if (want('scanner')) {
    const paths = ['/.env', '/.git/HEAD', '/.git/config', '/backup.sql', '/wp-login.php', '/phpmyadmin/', '/admin/',
      '/server-status', '/config.php.bak', '/.aws/credentials', '/api/v1/.env', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php'];
    let t = at('scanner');
    for (let round = 0; round < 5; round++)
      for (const path of paths)
        e.add((t += r.int(50, 300)), '45.148.10.77', 'GET', path, null,
          'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000003)', { status: 404, bytes: 120, attack: 'scanner' });
  }
  if (want('slow-enumeration-16')) {
    const from = at('slow-enumeration-16');
    for (let i = 0; i < 150; i++)
      e.add(from + r.int(0, 45 * MIN), `185.220.${r.int(0, 255)}.${r.int(1, 254)}`, 'GET', `/api/v1/gallery/${guess()}/photos`, null,
        GUEST_AGENTS[1] as string, { status: 404, bytes: 60, attack: 'slow-enumeration-16' });
  }
}
