import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from './api.js';
import { ApiError, setCsrfToken, whenUnauthenticated } from './client.js';
import { mayCall, type EndpointName } from './endpoints.js';
import type { SessionInfo } from './types.js';

type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; reason?: string }
  | { status: 'signed-in'; session: SessionInfo };

interface SessionApi {
  state: SessionState;
  signIn: (key: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

/**
 * Who is signed in. The key typed into the sign-in form goes to the API once and is dropped; what the page keeps
 * is the answer (name, role, expiry) and the CSRF token, in memory. A reload asks the API again, with the cookie.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const queryClient = useQueryClient();

  const signedOut = useCallback(
    (reason?: string) => {
      setCsrfToken(null);
      queryClient.clear();
      setState(reason === undefined ? { status: 'signed-out' } : { status: 'signed-out', reason });
    },
    [queryClient],
  );

  useEffect(() => {
    whenUnauthenticated(() => signedOut('Your session has ended; sign in again.'));
    let cancelled = false;
    api
      .session()
      .then((session) => {
        if (cancelled) return;
        setCsrfToken(session.csrfToken);
        setState({ status: 'signed-in', session });
      })
      .catch(() => {
        if (!cancelled) setState({ status: 'signed-out' });
      });
    return () => {
      cancelled = true;
    };
  }, [signedOut]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      signIn: async (key) => {
        const session = await api.signIn(key);
        setCsrfToken(session.csrfToken);
        setState({ status: 'signed-in', session });
      },
      signOut: async () => {
        try {
          await api.signOut();
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 401) throw error;
        }
        signedOut();
      },
    }),
    [state, signedOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** A fixed session, for rendering components in tests as a given role. */
export function StaticSession({ session, children }: { session: SessionInfo; children: ReactNode }) {
  const value = useMemo<SessionApi>(
    () => ({
      state: { status: 'signed-in', session },
      signIn: () => Promise.resolve(),
      signOut: () => Promise.resolve(),
    }),
    [session],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** Whether the signed-in role may call an endpoint: a control for it is shown only then. */
export function useCan(name: EndpointName): boolean {
  const { state } = useSession();
  return state.status === 'signed-in' && mayCall(state.session.role, name);
}
