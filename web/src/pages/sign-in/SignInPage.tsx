import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useSession } from '../../api/session.js';
import { ErrorNote } from '../../components/ErrorNote.js';

/**
 * The key is pasted once into a password field (never shown, never autocompleted or kept), exchanged for a
 * session cookie, and forgotten by the page as soon as the answer arrives.
 */
export function SignInPage() {
  const { signIn, state } = useSession();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(key.trim());
      setKey('');
      await navigate(from.startsWith('/') && !from.startsWith('//') ? from : '/', { replace: true });
    } catch (e) {
      setError(e);
      setKey('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Rampart</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="sign-in-help">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <p id="sign-in-help" className="muted">
          Paste an API key (<code>rk_…</code>) once; it is exchanged for a session of 12 hours and not kept by
          this page. Your role comes from the key. <code>rampart keys create --name NAME --role viewer</code>{' '}
          makes one.
        </p>
        {state.status === 'signed-out' && state.reason && <p role="status">{state.reason}</p>}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}
