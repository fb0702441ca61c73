import { isIP } from 'node:net';
import { RampartError } from '../shared/errors.js';

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts a drill may send traffic to. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Parses a target URL and refuses anything that is not http(s) on loopback, with a clear error. */
export function loopbackUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RampartError(
      'RAMPART_VALIDATION',
      `${what}: expected a URL such as http://127.0.0.1:8080, got "${text}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RampartError('RAMPART_VALIDATION', `${what}: expected http or https, got "${url.protocol}"`);
  if (!isLoopbackHost(url.hostname))
    throw new RampartError(
      'RAMPART_VALIDATION',
      `${what}: drills only send traffic to this machine (127.0.0.1, ::1, localhost); "${url.hostname}" is not loopback`,
    );
  return url.origin;
}
