/** Writes request events back as log lines, the way nginx and Laravel would have: for replay tests and benches. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** nginx $time_local in UTC: 10/Oct/2025:13:55:36 +0000 (whole seconds, as nginx writes it). */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

export interface AccessLine {
  time: number;
  ip: string;
  method: string;
  /** As the client sent it: raw token in the path or query. */
  uri: string;
  status: number;
  bytes: number;
  userAgent: string;
  /** Seconds, nginx $request_time. */
  requestTime: number;
}

/** nginx `combined` plus "$request_time $upstream_response_time". */
export function nginxLine(l: AccessLine): string {
  const rt = l.requestTime.toFixed(3);
  return `${l.ip} - - [${clfTime(l.time)}] "${l.method} ${l.uri} HTTP/1.1" ${l.status} ${l.bytes} "-" "${l.userAgent}" ${rt} ${rt}`;
}

/** A Laravel (Monolog LineFormatter) record: [Y-m-d H:i:s] channel.LEVEL: message {context} []. */
export function laravelLine(
  time: number,
  level: string,
  message: string,
  context: Record<string, unknown>,
): string {
  const d = new Date(time);
  const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
  return `[${stamp}] production.${level.toUpperCase()}: ${message} ${JSON.stringify(context)} []`;
}
