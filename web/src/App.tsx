import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api/client.js';
import { SessionProvider, useSession } from './api/session.js';
import { Layout } from './Layout.js';
import { AuditPage } from './pages/audit/AuditPage.js';
import { IncidentPage } from './pages/incident/IncidentPage.js';
import { IncidentsPage } from './pages/incidents/IncidentsPage.js';
import { MonitorsPage } from './pages/monitors/MonitorsPage.js';
import { OverviewPage } from './pages/overview/OverviewPage.js';
import { PlaybooksPage } from './pages/playbooks/PlaybooksPage.js';
import { SignInPage } from './pages/sign-in/SignInPage.js';
import { TrafficPage } from './pages/traffic/TrafficPage.js';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The event stream says when data changed; this is only the floor for a stream that is down.
        staleTime: 15_000,
        refetchInterval: 60_000,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

function Gate() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'checking') {
    return (
      <p className="muted page" role="status">
        Checking your session…
      </p>
    );
  }
  if (state.status === 'signed-out') {
    if (location.pathname === '/sign-in') return <SignInPage />;
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  }
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<OverviewPage />} />
        <Route path="incidents" element={<IncidentsPage />} />
        <Route path="incidents/:id" element={<IncidentPage />} />
        <Route path="traffic" element={<TrafficPage />} />
        <Route path="monitors" element={<MonitorsPage />} />
        <Route path="playbooks" element={<PlaybooksPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="sign-in" element={<Navigate to="/" replace />} />
        <Route path="*" element={<p className="page">No such page.</p>} />
      </Route>
    </Routes>
  );
}

export function App() {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <SessionProvider>
          <Gate />
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
