import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomSecret } from '../shared/secrets.js';

/** Reads a one-line secret file, or makes one (mode 0600) the first time, like .rampart/admin.key. */
export function loadOrCreateSecret(file: string): string {
  try {
    const text = readFileSync(file, 'utf8').trim();
    if (text.length >= 16) return text;
  } catch {
    // first start: made below
  }
  const secret = randomSecret(32);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** The key the drills use for the stand-ins' control route: <cwd>/.rampart/standin.key. */
export const standinKeyFile = (cwd: string): string => join(cwd, '.rampart', 'standin.key');

/**
 * The demo JWT secret shared by the booking stand-in and the gateway: BOOKING_JWT_SECRET when set, else one
 * made once in <cwd>/.rampart/booking-jwt.secret, so tokens keep verifying across restarts.
 */
export function demoBookingJwtSecret(cwd: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.BOOKING_JWT_SECRET;
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  return loadOrCreateSecret(join(cwd, '.rampart', 'booking-jwt.secret'));
}
