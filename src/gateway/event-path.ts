import { previewToken } from '../shared/secrets.js';

/** A segment at least this long may be a secret (join tokens are 32 characters) unless it is a UUID. */
const SECRET_LENGTH = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The path for the event when no token was found where the playbook says: a refused path, an unknown route, a
 * route without path tokens. A client can put a token anywhere, so every long segment is shown as a preview,
 * like an extracted token: the event, the Redis stream and the store never carry one in full. Short segments
 * and UUIDs (ids, not secrets) stay as they are, so rules keyed on paths keep working.
 */
export function redactLongSegments(path: string): string {
  if (path.length <= SECRET_LENGTH || !hasLongSegment(path)) return path;
  return path
    .split('/')
    .map((segment) => (segment.length >= SECRET_LENGTH && !UUID.test(segment) ? previewToken(segment) : segment))
    .join('/');
}

function hasLongSegment(path: string): boolean {
  let start = 0;
  while (start < path.length) {
    let end = path.indexOf('/', start);
    if (end === -1) end = path.length;
    if (end - start >= SECRET_LENGTH && !UUID.test(path.slice(start, end))) return true;
    start = end + 1;
  }
  return false;
}
