import type { RequestEvent } from '../domain/request-event.js';
import type { ModelRequest } from './model-request.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * The request as nginx in front of the app would log it (combined + $request_time $upstream_response_time), with
 * the gateway's answer: the raw token stays in the path and query, as nginx writes it, so `rampart logs replay`
 * must find it where the playbook says tokens sit.
 */
export function nginxLine(req: ModelRequest, event: RequestEvent): string {
  const uri = req.query === null ? req.path : `${req.path}?${req.query}`;
  const rt = ((event.durationMs ?? 0) / 1000).toFixed(3);
  return `${req.ip} - - [${clfTime(req.time)}] "${req.method} ${uri} HTTP/1.1" ${event.status} ${event.bytes ?? 0} "-" "${req.userAgent}" ${rt} ${rt}`;
}

/** The gateway's event as one JSON line (what `rampart up` publishes: the token only as hash and preview). */
export function eventLine(event: RequestEvent): string {
  return JSON.stringify(event);
}
