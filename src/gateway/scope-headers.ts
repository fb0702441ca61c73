import type { RequestContext } from './request-context.js';

/** Longer values are not an id the app set: not recorded (the header is still stripped). */
const MAX_VALUE_LENGTH = 200;
/** Printable ASCII without spaces, quotes or backslashes: an id, not a sentence or markup. */
const ID = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function idOf(value: string | string[] | number | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value);
  if (text === undefined) return null;
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= MAX_VALUE_LENGTH && ID.test(trimmed) ? trimmed : null;
}

/**
 * Takes the app's tenant and event ids off an upstream response (`gateway.scope_headers`, e.g. X-Tenant-Id and
 * X-Event-Id): recorded on the request's event, so an incident's scope names the tenants and events it touched,
 * and removed from the response, so a client never learns them. The app is the one that knows which event a
 * join token opens; a client cannot set these (they are response headers, and the gateway strips them).
 */
export function takeScopeHeaders(
  names: { tenant: string | null; event: string | null },
  ctx: RequestContext,
  headers: Record<string, string | string[] | number | undefined>,
): void {
  if (names.tenant !== null) {
    const tenant = idOf(headers[names.tenant]);
    if (tenant !== null) ctx.tenant = tenant;
    delete headers[names.tenant];
  }
  if (names.event !== null) {
    ctx.event = idOf(headers[names.event]);
    delete headers[names.event];
  }
}
