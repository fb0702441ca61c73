import { join } from 'node:path';
import type { Clock } from '../shared/clock.js';
import { createBookingApi } from './booking-api.js';
import { createGuestApi } from './guest-api.js';
import type { Standin } from './standin.js';
import { demoBookingJwtSecret, loadOrCreateSecret, standinKeyFile } from './standin-secrets.js';

export interface StandinsOptions {
  /** Log files go where the playbooks' detection sources read them, relative to this directory. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  host?: string;
  /** Defaults: the playbooks' upstreams, 8081 (guest) and 8082 (booking); 0 picks free ports. */
  guestPort?: number;
  bookingPort?: number;
  clock?: Clock;
}

export interface RunningStandins {
  guest: Standin;
  booking: Standin;
  guestUrl: string;
  bookingUrl: string;
  /** The control key (also in <cwd>/.rampart/standin.key). */
  controlKey: string;
  /** The HS256 secret the booking stand-in signs with; give the gateway the same as BOOKING_JWT_SECRET. */
  bookingJwtSecret: string;
  logs: { laravel: string; uvicornAccess: string; uvicornError: string; security: string };
  close(): Promise<void>;
}

/** Both seed stand-ins, writing the log files the shipped playbooks' detection sources tail. */
export async function startStandins(options: StandinsOptions): Promise<RunningStandins> {
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  const controlKey = loadOrCreateSecret(standinKeyFile(options.cwd));
  const bookingJwtSecret = demoBookingJwtSecret(options.cwd, env);
  const logs = {
    laravel: join(options.cwd, 'storage', 'logs', 'laravel.log'),
    uvicornAccess: join(options.cwd, 'logs', 'uvicorn-access.log'),
    uvicornError: join(options.cwd, 'logs', 'uvicorn-error.log'),
    security: join(options.cwd, 'logs', 'security.log'),
  };
  const clock = options.clock ? { clock: options.clock } : {};
  const guest = createGuestApi({ logFile: logs.laravel, controlKey, ...clock });
  const booking = createBookingApi({
    accessLog: logs.uvicornAccess,
    errorLog: logs.uvicornError,
    securityLog: logs.security,
    jwtSecret: bookingJwtSecret,
    controlKey,
    ...clock,
  });
  try {
    const guestUrl = await guest.listen(options.guestPort ?? 8081, host);
    const bookingUrl = await booking.listen(options.bookingPort ?? 8082, host);
    return {
      guest,
      booking,
      guestUrl,
      bookingUrl,
      controlKey,
      bookingJwtSecret,
      logs,
      close: async () => {
        await Promise.all([guest.close(), booking.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([guest.close(), booking.close()]);
    throw error;
  }
}
