import { createHmac, randomBytes } from 'node:crypto';
import type { ApiKey } from '../domain/api-key.js';
import type { Clock } from '../shared/clock.js';
import { RampartError } from '../shared/errors.js';
import { safeEqual, sha256 } from '../shared/secrets.js';
import type { Store } from '../store/ports.js';
import { authenticate } from './authenticate.js';

/** The cookie that carries a console session's secret; HttpOnly, so no script on the page can read it. */
export const SESSION_COOKIE = 'rampart_session';
/** The header a console change must carry: the session's CSRF token, which a cross-site form cannot know. */
export const CSRF_HEADER = 'x-rampart-csrf';
const SESSION_PREFIX = 'rs_';

export interface SessionLimits {
  /** How long a sign-in holds, whatever is done with it: one on-call shift. */
  ttlMs: number;
  /** Sessions one API key may hold at once; signing in again forgets the oldest. */
  perKey: number;
  /** Sessions the store may hold across keys: beyond it, sign-in is refused until some expire. */
  total: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { ttlMs: 12 * 3_600_000, perKey: 10, total: 10_000 };

export interface SignedIn {
  key: ApiKey;
  /** The cookie's value; it is never stored (only its SHA-256) and never shown. */
  secret: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Derived from the session's secret rather than stored: the server recomputes it from the cookie on each
 * change, and a page can only learn it from an authenticated answer of this origin.
 */
export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('rampart-console-csrf').digest('base64url');
}

/** Exchanges an API key, pasted once, for a session; audited in the same transaction. */
export async function signIn(
  deps: { store: Store; clock: Clock },
  apiKey: string,
  limits: SessionLimits = DEFAULT_SESSION_LIMITS,
): Promise<SignedIn> {
  const key = await authenticate(deps.store, `Bearer ${apiKey}`);
  const now = deps.clock.now();
  const secret = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + limits.ttlMs).toISOString();
  await deps.store.transaction(async (tx) => {
    await tx.consoleSessions.prune(now.toISOString(), key.id, limits.perKey - 1);
    if ((await tx.consoleSessions.count()) >= limits.total) {
      throw new RampartError(
        'RAMPART_BUSY',
        `too many console sessions (${limits.total}); sign out elsewhere or wait for some to expire`,
      );
    }
    await tx.consoleSessions.create({
      idHash: sha256(secret),
      keyId: key.id,
      createdAt: now.toISOString(),
      expiresAt,
    });
    await tx.audit.append({
      at: now.toISOString(),
      actor: `web:${key.name}`,
      action: 'session.create',
      target: key.id,
      details: { name: key.name, role: key.role, expiresAt },
    });
  });
  return { key, secret, csrfToken: csrfTokenFor(secret), expiresAt };
}

export interface ActiveSession {
  key: ApiKey;
  idHash: string;
  expiresAt: string;
  csrfToken: string;
}

/** The session a cookie names, while it has not expired and its key has not been revoked. */
export async function authenticateSession(
  deps: { store: Store; clock: Clock },
  secret: string | undefined,
): Promise<ActiveSession> {
  if (!secret || secret.length > 200 || !secret.startsWith(SESSION_PREFIX)) {
    throw new RampartError('RAMPART_UNAUTHENTICATED', 'sign in again: no console session');
  }
  const idHash = sha256(secret);
  const session = await deps.store.consoleSessions.get(idHash);
  if (!session || Date.parse(session.expiresAt) <= deps.clock.now().getTime()) {
    throw new RampartError('RAMPART_UNAUTHENTICATED', 'sign in again: the console session has expired');
  }
  const key = await deps.store.apiKeys.get(session.keyId);
  if (!key || key.revokedAt !== null) {
    throw new RampartError(
      'RAMPART_UNAUTHENTICATED',
      'sign in again: the API key behind this session was revoked',
    );
  }
  return { key, idHash, expiresAt: session.expiresAt, csrfToken: csrfTokenFor(secret) };
}

/** Refuses a change whose CSRF header does not match the session's token (compared in constant time). */
export function checkCsrf(session: ActiveSession, header: string | string[] | undefined): void {
  const presented = typeof header === 'string' ? header : '';
  if (!safeEqual(presented, session.csrfToken)) {
    throw new RampartError(
      'RAMPART_FORBIDDEN',
      `a console change needs the ${CSRF_HEADER} header of its session (reload the page)`,
    );
  }
}

export async function signOut(deps: { store: Store; clock: Clock }, session: ActiveSession): Promise<void> {
  await deps.store.transaction(async (tx) => {
    await tx.consoleSessions.delete(session.idHash);
    await tx.audit.append({
      at: deps.clock.now().toISOString(),
      actor: `web:${session.key.name}`,
      action: 'session.delete',
      target: session.key.id,
      details: { name: session.key.name },
    });
  });
}
