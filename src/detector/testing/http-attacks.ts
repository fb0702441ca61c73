import { prng } from './fotospiel-traffic.js';
import { nginxLine } from './log-lines.js';
import type { AccessLine } from './log-lines.js';

/**
 * Traffic for the standard HTTP rule pack's tests and bench: each attack the pack's rules describe, from one
 * address, as nginx access lines; and ordinary traffic shaped like the seeds' users (a venue's guests behind one
 * NAT address sharing their event's join token, 6FB's salons and mobile app).
 */

const SCANNER = 'Mozilla/5.0 (compatible; scan)';

/** Phones and browsers as guests and salon staff bring them (several share an exact user agent). */
export const DEVICE_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 12; moto g(60)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; 2201117TY) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 11; OPPO A54) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];

export type HttpAttack =
  | 'probing'
  | 'sensitive-files'
  | 'path-traversal'
  | 'sqli'
  | 'xss'
  | 'bad-user-agent'
  | 'scanner-user-agent'
  | 'generic-bf'
  | 'crawl'
  | 'cache-bypass'
  | 'switching-ua'
  | 'open-proxy'
  | 'backdoors'
  | 'admin-interface'
  | 'technology';

/** What each attack does, request by request: [method, uri, status, user agent]. */
function attackRequests(kind: HttpAttack, n: number): [string, string, number, string] {
  switch (kind) {
    case 'probing':
      return ['GET', `/old/page-${n}.php`, 404, SCANNER];
    case 'sensitive-files':
      return ['GET', ['/.env', '/.git/HEAD', '/backup.sql', '/.htpasswd', '/config/.aws'][n % 5] as string, 404, SCANNER];
    case 'path-traversal':
      return ['GET', `/api/v1/downloads/file?name=..%2f..%2f../../etc/passwd&n=${n}`, 400, SCANNER];
    case 'sqli':
      return ['GET', `/api/v1/search?q=1%20union%20select%20${n}%2cnull%2cnull--`, 500, SCANNER];
    case 'xss':
      return ['GET', `/api/v1/search?q=%3Cscript%3Ealert(${n})%3C/script%3E`, 200, SCANNER];
    case 'bad-user-agent':
      return ['GET', `/api/v1/gallery/page-${n}`, 200, 'Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)'];
    case 'scanner-user-agent':
      return ['GET', `/index.php?id=${n}`, 404, 'sqlmap/1.7.2#stable (https://sqlmap.org)'];
    case 'generic-bf':
      return ['POST', '/admin/login', 401, 'python-requests/2.31.0'];
    case 'crawl':
      return ['GET', `/api/v1/gallery/tokenxyz/photos?page=${n}`, 200, 'Mozilla/5.0 (compatible; Crawler/1.0)'];
    case 'cache-bypass':
      return ['GET', `/api/v1/events?${1_000_000_000 + n * 7919}`, 200, DEVICE_AGENTS[n % 3] as string];
    case 'switching-ua':
      return ['GET', '/api/v1/gallery/tokenxyz/photos', 200, `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${60 + n}.0) Gecko/20100101 Firefox/${60 + n}.0`];
    case 'open-proxy':
      return ['CONNECT', 'www.example.com:443', 400, '-'];
    case 'backdoors':
      return ['GET', ['/wp-content/uploads/c99.php', '/shell.php', '/r57.php', '/wso2.8.5.php'][n % 4] as string, 404, SCANNER];
    case 'admin-interface':
      return ['GET', ['/phpmyadmin/', '/wp-admin/setup.php', '/manager/html', '/pma/index.php', '/admin/config.php', '/wp-login.php'][n % 6] as string, 404, SCANNER];
    case 'technology':
      return ['GET', ['/owa/auth/logon.aspx', '/remote/login', '/tmui/login.jsp', '/vpn/../vpns/cfg/smb.conf', '/dana-na/auth/url_default/welcome.cgi', '/solr/admin/info/system', '/actuator/health'][n % 7] as string, 404, SCANNER];
  }
}

/** How many requests, how far apart (ms): each attack at the pace its tools run. */
const PACE: Record<HttpAttack, [count: number, gapMs: number]> = {
  probing: [60, 500],
  'sensitive-files': [10, 300],
  'path-traversal': [10, 500],
  sqli: [30, 200],
  xss: [20, 200],
  'bad-user-agent': [5, 2_000],
  'scanner-user-agent': [10, 300],
  'generic-bf': [30, 1_000],
  crawl: [300, 100],
  'cache-bypass': [200, 50],
  'switching-ua': [300, 100],
  'open-proxy': [2, 1_000],
  backdoors: [8, 200],
  'admin-interface': [12, 500],
  technology: [14, 500],
};

/** One attack from `ip`, starting at `start`, as access-log entries. */
export function attackLines(kind: HttpAttack, ip: string, start: number): AccessLine[] {
  const [count, gap] = PACE[kind];
  return Array.from({ length: count }, (_, n) => {
    const [method, uri, status, userAgent] = attackRequests(kind, n);
    return { time: start + n * gap, ip, method, uri, status, bytes: status === 200 ? 512 : 0, userAgent, requestTime: 0.01 };
  });
}

export interface VenueOptions {
  ip: string;
  guests: number;
  start: number;
  minutes: number;
  seed?: number;
}

/**
 * A wedding's guests behind the venue's one NAT address, all with the event's join token: each guest's phone
 * polls the event and browses the gallery every 10-40 s, pages through photos, opens downloads, sometimes hits
 * a photo that was deleted (404) or a stale page; about a third of the phones share an exact user agent.
 */
export function venueLines(options: VenueOptions): AccessLine[] {
  const random = prng(options.seed ?? 7);
  const token = `wedding${Math.floor(random() * 1e9).toString(36)}tok`;
  const guests = Array.from({ length: options.guests }, (_, i) => ({
    agent: DEVICE_AGENTS[i % 3 === 0 ? 0 : Math.floor(random() * DEVICE_AGENTS.length)] as string,
    next: options.start + Math.floor(random() * 30_000),
  }));
  const end = options.start + options.minutes * 60_000;
  const lines: AccessLine[] = [];
  for (const guest of guests) {
    while (guest.next < end) {
      const kind = random();
      let uri: string;
      let status = 200;
      if (kind < 0.35) uri = `/api/v1/events/${token}/photos?page=${1 + Math.floor(random() * 8)}`;
      else if (kind < 0.5) uri = `/api/v1/events/${token}/stats`;
      else if (kind < 0.75) uri = `/api/v1/gallery/${token}/photos`;
      else if (kind < 0.8) uri = `/api/v1/events/${token}/photos`;
      else uri = `/api/v1/downloads/${Math.floor(random() * 400)}.jpg?token=${token}&signature=ab12cd`;
      const s = random();
      if (s < 0.01) {
        status = 404;
        uri = `/api/v1/events/${token}/photos/${Math.floor(random() * 400)}`;
      } else if (s < 0.04) status = 304;
      lines.push({ time: guest.next, ip: options.ip, method: kind < 0.03 ? 'POST' : 'GET', uri, status, bytes: 4096, userAgent: guest.agent, requestTime: 0.05 });
      guest.next += 10_000 + Math.floor(random() * 30_000);
    }
  }
  return lines.sort((a, b) => a.time - b.time);
}

export interface BookingOptions {
  start: number;
  minutes: number;
  seed?: number;
}

/**
 * 6FB on a Monday morning: salons' front desks (several staff behind one office address) logging in, listing and
 * creating bookings; clients on the mobile app whose access token expires (one 401, then /auth/refresh); a few
 * mistyped passwords; the dashboard.
 */
export function bookingLines(options: BookingOptions): AccessLine[] {
  const random = prng(options.seed ?? 11);
  const lines: AccessLine[] = [];
  const end = options.start + options.minutes * 60_000;
  const desks = Array.from({ length: 40 }, (_, i) => `192.0.2.${10 + i}`);
  const app = 'SixFB/3.2.1 (iPhone; iOS 17.4; Scale/3.00)';
  for (let time = options.start; time < end; time += 50 + Math.floor(random() * 150)) {
    const r = random();
    const desk = desks[Math.floor(random() * desks.length)] as string;
    const client = `${100 + Math.floor(random() * 100)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
    const push = (ip: string, method: string, uri: string, status: number, userAgent: string, at = time) =>
      lines.push({ time: at, ip, method, uri, status, bytes: 800, userAgent, requestTime: 0.08 });
    const browser = DEVICE_AGENTS[9 + Math.floor(random() * 3)] as string;
    if (r < 0.35) push(desk, 'GET', `/bookings/?date=2025-10-${13 + Math.floor(random() * 5)}&page=${1 + Math.floor(random() * 3)}`, 200, browser);
    else if (r < 0.5) push(desk, 'POST', '/bookings/', 201, browser);
    else if (r < 0.55) push(desk, 'POST', '/auth/login', random() < 0.1 ? 401 : 200, browser);
    else if (r < 0.65) push(desk, 'GET', '/dashboard/summary', 200, browser);
    else if (r < 0.7) push(desk, 'GET', '/sync-status', 200, browser);
    else if (r < 0.78) {
      push(client, 'GET', '/bookings/mine', 401, app);
      push(client, 'POST', '/auth/refresh', 200, app, time + 40);
      push(client, 'GET', '/bookings/mine', 200, app, time + 90);
    } else if (r < 0.97) push(client, 'GET', `/bookings/slots?salon=${Math.floor(random() * 300)}`, 200, app);
    else push(client, 'GET', '/health', 200, 'kube-probe/1.29');
  }
  return lines.sort((a, b) => a.time - b.time);
}

export { nginxLine };
