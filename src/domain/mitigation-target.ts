import { isIP } from 'node:net';
import type { MitigationKind } from './mitigation.js';

/** Checks an IP or CIDR (IPv4 or IPv6); returns a reason when it is not one. */
export function checkIpOrCidr(target: string): string | undefined {
  const [address = '', bits, extra] = target.split('/');
  if (extra !== undefined) return `"${target}" has more than one "/"`;
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IPv4 or IPv6 address`;
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `prefix length "/${bits}" must be 0–${max}`;
  return undefined;
}

/** Why a target does not fit its kind, or undefined when it does. Token targets are hashes, never raw tokens. */
export function checkMitigationTarget(kind: MitigationKind, target: string): string | undefined {
  if (target.length === 0 || target.length > 200) return 'target must be 1–200 characters';
  switch (kind) {
    case 'block':
      return checkIpOrCidr(target);
    case 'revoke-all':
      return target === '*' ? undefined : 'revoke-all applies to "*"';
    case 'maintenance':
      return target === '*' || /^[a-z0-9][a-z0-9-]*$/.test(target)
        ? undefined
        : 'maintenance applies to "*" or a route name';
    case 'switch-off':
    case 'limit-override':
      return /^[a-z0-9][a-z0-9-]*$/i.test(target)
        ? undefined
        : `"${target}" is not a ${kind === 'switch-off' ? 'switch' : 'rate limit'} name`;
    case 'revoke-token':
    case 'revoke-jti':
    case 'revoke-subject':
      // Spaces and control characters never belong in a hash, a jti or a subject, and would corrupt a log line.
      return [...target].some((c) => c <= ' ')
        ? 'target must not contain spaces or control characters'
        : undefined;
  }
}
