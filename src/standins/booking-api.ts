import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Clock } from '../shared/clock.js';
import { systemClock } from '../shared/clock.js';
import { safeEqual } from '../shared/secrets.js';
import { BookingTokens, ACCESS_TTL_S } from './booking-auth.js';
import { DEMO_BOOKING_SEED, type BookingSeed } from './booking-seed.js';
import { clientIp } from './client-ip.js';
import { handleControl } from './control.js';
import { bearer, drain, readJson, sendJson } from './http-helpers.js';
import { openLog } from './log-writer.js';
import { DEFAULT_SLOW_MS, MAX_SLOW_MS, pause, type MisbehaviourState } from './misbehaviour.js';
import { listenOn, type Standin } from './standin.js';

export interface BookingApiOptions {
  /** uvicorn's access log: <cwd>/logs/uvicorn-access.log for the playbook's detection source. */
  accessLog: string;
  /** uvicorn's error log (startup, exceptions): <cwd>/logs/uvicorn-error.log. */
  errorLog: string;
  /** The app's security log (failed logins with ip= and user=): <cwd>/logs/security.log. */
  securityLog?: string;
  /** HS256 secret, the same BOOKING_JWT_SECRET the gateway verifies with. */
  jwtSecret: string;
  controlKey: string;
  clock?: Clock;
  seed?: BookingSeed;
}

const MAX_BOOKINGS_PER_USER = 100;
const MAX_USERS_WITH_BOOKINGS = 1000;

interface Booking {
  id: number;
  date: string;
  service: string;
}

/** The 6FB Booking FastAPI app, small and honest: JWT login/refresh, bookings, sync status, dashboard, health. */
export function createBookingApi(options: BookingApiOptions): Standin {
  const clock = options.clock ?? systemClock;
  const access = openLog(options.accessLog);
  const errors = openLog(options.errorLog);
  const security = options.securityLog ? openLog(options.securityLog) : null;
  const seed = options.seed ?? DEMO_BOOKING_SEED;
  const tokens = new BookingTokens(options.jwtSecret, clock);
  const state: MisbehaviourState = { mode: 'none', delayMs: 0 };
  const bookings = new Map<string, Booking[]>();
  let nextBooking = 1;

  const level = (name: 'INFO' | 'WARNING' | 'ERROR') => `${name}:`.padEnd(10);
  errors.write(`${level('INFO')}Started server process [${process.pid}]`);
  errors.write(`${level('INFO')}Waiting for application startup.`);
  errors.write(`${level('INFO')}Application startup complete.`);

  function accessLine(req: IncomingMessage, status: number): void {
    const path = req.url ?? '/';
    access.write(
      `${level('INFO')}${clientIp(req)}:${req.socket.remotePort ?? 0} - "${req.method ?? 'GET'} ${path} HTTP/${req.httpVersion}" ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd(),
    );
  }

  async function user(req: IncomingMessage): Promise<string | null> {
    const token = bearer(req);
    if (token === null) return null;
    if (state.mode === 'auth-bypass') return BookingTokens.claimedSubject(token);
    return tokens.verify(token, 'access');
  }

  async function issue(subject: string) {
    return {
      access_token: await tokens.issue(subject, 'access'),
      refresh_token: await tokens.issue(subject, 'refresh'),
      token_type: 'bearer',
      expires_in: ACCESS_TTL_S,
    };
  }

  async function route(req: IncomingMessage, path: string): Promise<[number, unknown]> {
    const method = req.method ?? 'GET';
    if (path === '/health') return [200, { status: 'healthy' }];
    if (state.mode === 'errors' || state.mode === 'storage-lost') {
      errors.write(
        `${level('ERROR')}Exception in ASGI application: sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection refused`,
      );
      return [500, { detail: 'Internal Server Error' }];
    }
    if (path === '/auth/login' && method === 'POST') {
      const body = await readJson(req);
      const username = typeof body?.username === 'string' ? body.username.slice(0, 200) : '';
      const password = typeof body?.password === 'string' ? body.password : '';
      const account = seed.users.find((u) => u.username === username);
      // Compare anyway when the user is unknown, so timing does not tell which accounts exist.
      const ok = safeEqual(password, account?.password ?? '\0no-such-user') && account !== undefined;
      if (!ok) {
        const safeUser = username.replace(/[^\w@.+-]/g, '?') || '-';
        security?.write(
          `${clock.now().toISOString().replace('T', ' ')} WARNING Login failed ip=${clientIp(req)} user=${safeUser}`,
        );
        return [401, { detail: 'Invalid credentials' }];
      }
      return [200, await issue(username)];
    }
    if (path === '/auth/refresh' && method === 'POST') {
      const body = await readJson(req);
      const subject =
        typeof body?.refresh_token === 'string' ? await tokens.verify(body.refresh_token, 'refresh') : null;
      return subject ? [200, await issue(subject)] : [401, { detail: 'Invalid refresh token' }];
    }
    drain(req);
    const subject = await user(req);
    if (subject === null) return [401, { detail: 'Not authenticated' }];
    if (path === '/auth/me') return [200, { username: subject }];
    if (path === '/bookings' || path === '/bookings/') {
      const mine = bookings.get(subject) ?? [];
      if (method === 'GET') return [200, { bookings: mine }];
      if (method === 'POST') {
        if (mine.length >= MAX_BOOKINGS_PER_USER) return [409, { detail: 'Too many bookings' }];
        if (!bookings.has(subject) && bookings.size >= MAX_USERS_WITH_BOOKINGS)
          return [409, { detail: 'Busy' }];
        const booking = {
          id: nextBooking++,
          date: clock.now().toISOString().slice(0, 10),
          service: 'haircut',
        };
        bookings.set(subject, [...mine, booking]);
        return [201, booking];
      }
      return [405, { detail: 'Method Not Allowed' }];
    }
    if (path === '/sync-status') return [200, { status: 'in-sync', last_sync: clock.now().toISOString() }];
    if (path.startsWith('/dashboard/'))
      return [200, { user: subject, bookings_today: (bookings.get(subject) ?? []).length, revenue: 0 }];
    return [404, { detail: 'Not Found' }];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const describe = () => ({ service: 'booking-api', users: seed.users.map((u) => u.username) });
    if (await handleControl(req, res, options.controlKey, state, describe)) return;
    if (state.mode === 'slow') await pause(state.delayMs);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let status = 500;
    try {
      const [code, body] = await route(req, path);
      status = code;
      sendJson(res, code, body, code === 401 ? { 'www-authenticate': 'Bearer' } : {});
    } catch {
      errors.write(`${level('ERROR')}Exception in ASGI application`);
      sendJson(res, 500, { detail: 'Internal Server Error' });
    } finally {
      accessLine(req, status);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  return {
    name: 'booking-api',
    server,
    async listen(port, host) {
      const url = await listenOn(server, port, host);
      errors.write(`${level('INFO')}Uvicorn running on ${url} (Press CTRL+C to quit)`);
      return url;
    },
    misbehave(mode, delayMs) {
      state.mode = mode;
      state.delayMs = Math.min(delayMs ?? DEFAULT_SLOW_MS, MAX_SLOW_MS);
    },
    mode: () => state.mode,
    async close() {
      errors.write(`${level('INFO')}Shutting down`);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await Promise.all([access.close(), errors.close(), security?.close()]);
    },
  };
}
