import type { StreamStatus } from '../api/live.js';

const TEXT: Record<StreamStatus, string> = {
  live: 'Live',
  connecting: 'Reconnecting… live updates paused',
  down: 'Live updates are down; retrying',
};

/** Whether the page is being kept up to date; announced politely when it changes. */
export function StreamIndicator({ status }: { status: StreamStatus }) {
  return (
    <span className={`stream stream-${status}`} role="status" aria-live="polite" data-stream={status}>
      <span className="dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
