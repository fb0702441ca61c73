import { formatDuration, formatTime } from './format.js';
import { useNow } from './use-now.js';

/** Time left until a deadline, or how long it has been missed (in red, and said so in words, not by colour alone). */
export function Countdown({ to, done = false }: { to: string | null; done?: boolean }) {
  const now = useNow();
  if (to === null) return <span className="muted">no expiry</span>;
  const left = Date.parse(to) - now;
  const title = formatTime(to);
  if (done)
    return (
      <time dateTime={to} title={title}>
        {title}
      </time>
    );
  if (left >= 0) {
    return (
      <time dateTime={to} title={title} className="countdown">
        in {formatDuration(left)}
      </time>
    );
  }
  return (
    <time dateTime={to} title={title} className="overdue">
      overdue by {formatDuration(-left)}
    </time>
  );
}

/** How long ago something happened, ticking. */
export function Age({ since }: { since: string }) {
  const now = useNow();
  return (
    <time dateTime={since} title={formatTime(since)}>
      {formatDuration(now - Date.parse(since))}
    </time>
  );
}
