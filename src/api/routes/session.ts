import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SESSION_COOKIE, signIn, signOut } from '../../access/console-session.js';
import { RampartError } from '../../shared/errors.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type AnyRoute } from '../define-route.js';

const signInBody = z.object({ key: z.string().trim().min(1, 'paste an API key (rk_…)').max(200) }).strict();

function secureCookie(deps: ApiDeps, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (deps.publicUrl?.startsWith('https:') ?? false);
}

function setSessionCookie(
  deps: ApiDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  value: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secureCookie(deps, request),
    maxAge: maxAgeSeconds,
  });
}

/**
 * The console's sign-in: an API key pasted once becomes an HttpOnly, SameSite=Strict cookie holding a session
 * secret; the key itself is not kept by the browser. The CSRF token in the answers lives in the page's memory.
 */
export function sessionRoutes(deps: ApiDeps): AnyRoute[] {
  const tag = 'session';
  return [
    route({
      method: 'POST',
      url: '/v1/session',
      role: null,
      tag,
      summary: 'Sign in to the console with an API key: sets the session cookie, answers the CSRF token',
      body: signInBody,
      status: 201,
      handler: async ({ body, request, reply }) => {
        const session = await signIn(deps, body.key);
        const maxAge = Math.floor((Date.parse(session.expiresAt) - deps.clock.now().getTime()) / 1000);
        setSessionCookie(deps, request, reply, session.secret, maxAge);
        reply.header('cache-control', 'no-store');
        return {
          name: session.key.name,
          role: session.key.role,
          keyPreview: session.key.preview,
          expiresAt: session.expiresAt,
          csrfToken: session.csrfToken,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/session',
      role: 'viewer',
      tag,
      summary: "Who is signed in: name, role, expiry, and the session's CSRF token (null for an API key)",
      handler: ({ request, reply }) => {
        const caller = request.caller;
        if (!caller) throw new RampartError('RAMPART_UNAUTHENTICATED', 'sign in first');
        reply.header('cache-control', 'no-store');
        return Promise.resolve({
          name: caller.key.name,
          role: caller.key.role,
          keyPreview: caller.key.preview,
          expiresAt: caller.session?.expiresAt ?? null,
          csrfToken: caller.session?.csrfToken ?? null,
        });
      },
    }),
    route({
      method: 'DELETE',
      url: '/v1/session',
      role: 'viewer',
      tag,
      summary: 'Sign out: forgets the session and clears its cookie',
      handler: async ({ request, reply }) => {
        const session = request.caller?.session;
        if (!session) {
          throw new RampartError('RAMPART_VALIDATION', 'an API key has no console session to end');
        }
        await signOut(deps, session);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { signedOut: true };
      },
    }),
  ];
}
