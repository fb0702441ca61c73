import { NavLink, Outlet } from 'react-router';
import { useLiveUpdates } from './api/live.js';
import { useCan, useSession } from './api/session.js';
import { StreamIndicator } from './components/StreamIndicator.js';

export function Layout() {
  const { state, signOut } = useSession();
  const status = useLiveUpdates(state.status === 'signed-in');
  const canAudit = useCan('audit');
  const session = state.status === 'signed-in' ? state.session : undefined;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Rampart</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/incidents">Incidents</NavLink>
          <NavLink to="/traffic">Traffic &amp; tokens</NavLink>
          <NavLink to="/monitors">Monitors</NavLink>
          <NavLink to="/playbooks">Playbooks</NavLink>
          {canAudit && <NavLink to="/audit">Audit</NavLink>}
        </nav>
        <div className="who">
          <StreamIndicator status={status} />
          {session && (
            <span title={`key ${session.keyPreview}…`}>
              {session.name} <span className="badge">{session.role}</span>
            </span>
          )}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="page">
        <Outlet />
      </main>
    </>
  );
}
