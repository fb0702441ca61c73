import { fastifyCookie } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../access/authenticate.js';
import {
  authenticateSession,
  checkCsrf,
  CSRF_HEADER,
  SESSION_COOKIE,
  type ActiveSession,
} from '../access/console-session.js';
import type { ApiKey } from '../domain/api-key.js';
import { RampartError } from '../shared/errors.js';
import type { ApiDeps } from './api-deps.js';

export interface Caller {
  key: ApiKey;
  /** "api:NAME" for a key in the Authorization header, "web:NAME" for a console session. */
  actor: string;
  session: ActiveSession | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** A cross-site page may send the cookie's request but cannot forge its own Origin. */
function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) {
    throw new RampartError(
      'RAMPART_FORBIDDEN',
      `a console change from another origin (${origin}) is refused`,
    );
  }
}

/**
 * Who is calling: an API key in `Authorization` (scripts, the CLI), or else the console's session cookie. A
 * change made with the cookie must carry the session's CSRF token and come from this origin, because a
 * browser attaches the cookie to requests that other pages start.
 */
export async function authenticateRequest(deps: ApiDeps, request: FastifyRequest): Promise<Caller> {
  if (request.headers.authorization !== undefined) {
    const key = await authenticate(deps.store, request.headers.authorization);
    return { key, actor: `api:${key.name}`, session: null };
  }
  const secret = fastifyCookie.parse(request.headers.cookie ?? '')[SESSION_COOKIE];
  if (secret === undefined) {
    throw new RampartError(
      'RAMPART_UNAUTHENTICATED',
      'an API key is required: Authorization: Bearer rk_… (or sign in to the console)',
    );
  }
  const session = await authenticateSession(deps, secret);
  if (!SAFE_METHODS.has(request.method)) {
    checkOrigin(request);
    checkCsrf(session, request.headers[CSRF_HEADER]);
  }
  return { key: session.key, actor: `web:${session.key.name}`, session };
}
