import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { StaticSession } from '../api/session.js';
import type { Role } from '../api/types.js';

/** Renders a component as a signed-in user of `role`, with a router and a query client that never refetches. */
export function renderAs(role: Role, ui: ReactElement): RenderResult {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <StaticSession
          session={{ name: `${role}-key`, role, keyPreview: 'rk_abcd', expiresAt: null, csrfToken: 'x' }}
        >
          {ui}
        </StaticSession>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
