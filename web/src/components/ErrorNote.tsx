import { ApiError } from '../api/client.js';
import { text } from './format.js';

/** An API error as the API worded it (catalog messages are safe to show), with the fields it names. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : text(error, 'error');
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div role="alert" className="error-note">
      {message}
      {details.length > 1 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>{d.path ? `${d.path}: ${d.message}` : d.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
