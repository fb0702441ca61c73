import { ENDPOINTS, pathOf, type EndpointName } from './endpoints.js';

/** An error answer from the API's catalog, with its code and where it went wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The CSRF token of the current session, in this page's memory only: never in storage, a URL or the DOM. Every
 * change the console makes carries it; a cross-site page cannot read it.
 */
let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API says the session is gone (expired, signed out elsewhere, key revoked). */
export function whenUnauthenticated(listener: () => void): void {
  onUnauthenticated = listener;
}

export interface CallOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Answer as text (the Markdown report) instead of JSON. */
  text?: boolean;
}

export async function call<T>(name: EndpointName, options: CallOptions = {}): Promise<T> {
  const spec = ENDPOINTS[name];
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) search.set(key, String(value));
  }
  const url = `${pathOf(name, options.params)}${search.size > 0 ? `?${search.toString()}` : ''}`;
  const headers: Record<string, string> = { accept: options.text ? 'text/markdown' : 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (spec.method !== 'GET' && csrfToken !== null) headers['x-rampart-csrf'] = csrfToken;
  const response = await fetch(url, {
    method: spec.method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  if (!response.ok) {
    let error: ApiError;
    try {
      const body = (await response.json()) as {
        error?: { code?: string; message?: string; details?: { path?: string; message: string }[] };
      };
      error = new ApiError(
        response.status,
        body.error?.code ?? 'RAMPART_INTERNAL',
        body.error?.message ?? response.statusText,
        body.error?.details ?? [],
      );
    } catch {
      error = new ApiError(response.status, 'RAMPART_INTERNAL', response.statusText);
    }
    if (response.status === 401 && name !== 'signIn') onUnauthenticated?.();
    throw error;
  }
  return (options.text ? await response.text() : await response.json()) as T;
}
