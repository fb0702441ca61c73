import type { ClientLimitsInput } from './admission/client-limits.js';

/** A duration as text ("30s", "5m") or in milliseconds. */
export type DurationInput = string | number;

/**
 * The plain input the gateway is compiled from. It mirrors the playbook's YAML `service` and `gateway`
 * sections (snake_case, durations as text) so the playbook loader can hand its sections over unchanged.
 */
export interface GatewayConfigInput {
  service: {
    name: string;
    upstream: { url: string; timeout?: DurationInput };
    routes: { name: string; pattern: string }[];
  };
  gateway?: {
    /** A range whose proxy writes X-Forwarded-For, or a range and the header its proxy writes. */
    trusted_proxies?: (string | TrustedProxyInput)[];
    exempt_routes?: string[];
    tokens?: TokenInput[];
    rate_limits?: RateLimitInput[];
    switches?: { name: string; routes: string[]; description?: string; message?: string }[];
    maintenance?: { banner?: string; retry_after?: DurationInput };
    client_limits?: ClientLimitsInput;
    /** Response headers the app names the request's tenant and event with; recorded, then stripped. */
    scope_headers?: { tenant?: string | undefined; event?: string | undefined };
  };
}

export interface TrustedProxyInput {
  cidr: string;
  /** The forwarding header this proxy writes (and overwrites or appends to). Default x-forwarded-for. */
  header?: 'x-forwarded-for' | 'forwarded' | 'x-real-ip';
}

export type TokenInput =
  /** `param` defaults to "token", or to the route's only parameter. */
  | { name: string; in: 'path'; routes: string[]; param?: string }
  | { name: string; in: 'query'; param: string }
  | { name: string; in: 'header'; header: string }
  | {
      name: string;
      in: 'jwt';
      header?: string;
      claims?: { jti?: string; subject?: string; issued_at?: string; tenant?: string };
      verify?: { algorithms: string[]; secret_env?: string; public_key_env?: string };
    };

export const LIMIT_KEYS = ['ip', 'ip_prefix', 'token', 'subject', 'tenant', 'route', 'global'] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

export interface RateLimitInput {
  name: string;
  key: LimitKey;
  routes?: string[];
  limit: number;
  window: DurationInput;
  burst?: number;
  headers?: ('ietf' | 'x-ratelimit')[];
  /** Count what it would refuse instead of refusing. */
  shadow?: boolean;
}
