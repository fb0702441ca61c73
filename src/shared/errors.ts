/**
 * The error catalog. Every error a user can meet has a stable code, an HTTP status and a message that is safe
 * to show. Anything not in the catalog is mapped to a generic 500 at the edge (API, CLI) so that driver or
 * database messages never reach a client.
 */
export const ERROR_CATALOG = {
  RAMPART_VALIDATION: { status: 400, description: 'A request body, query or argument is malformed.' },
  RAMPART_UNAUTHENTICATED: { status: 401, description: 'No valid API key was presented.' },
  RAMPART_FORBIDDEN: { status: 403, description: "The API key's role does not allow this action." },
  RAMPART_NOT_FOUND: { status: 404, description: 'The incident, mitigation, key or step does not exist.' },
  RAMPART_INVALID_TRANSITION: {
    status: 409,
    description: 'The incident cannot move from its current status to the requested one.',
  },
  RAMPART_VERIFICATION_FAILED: {
    status: 409,
    description: "The playbook's verification does not pass yet; an admin may override it with a reason.",
  },
  RAMPART_CONFLICT: { status: 409, description: 'The record changed or already exists.' },
  RAMPART_PROTECTED: {
    status: 409,
    description:
      "The mitigation would touch an address, token or subject the playbook's never_block protects.",
  },
  RAMPART_PAYLOAD_TOO_LARGE: {
    status: 413,
    description: 'The request body is larger than the API accepts (1 MiB).',
  },
  RAMPART_URI_TOO_LONG: { status: 414, description: 'A path parameter is longer than the API accepts.' },
  RAMPART_REQUEST_TIMEOUT: { status: 408, description: 'The request head did not arrive in time.' },
  RAMPART_HEADERS_TOO_LARGE: {
    status: 431,
    description: 'The request headers are larger than the API accepts.',
  },
  RAMPART_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The request body is not of a type the API reads (application/json).',
  },
  RAMPART_UNKNOWN_SERVICE: { status: 422, description: 'No loaded playbook protects that service.' },
  RAMPART_UNKNOWN_SEVERITY: { status: 422, description: "The severity is not on the service's scale." },
  RAMPART_PLAYBOOK_INVALID: { status: 422, description: 'A playbook file failed validation.' },
  RAMPART_BUSY: {
    status: 503,
    description: 'A bounded resource (console sessions, live streams) is full; try again later.',
  },
  RAMPART_CONFIG: { status: 500, description: 'The environment or command-line configuration is invalid.' },
  RAMPART_INTERNAL: { status: 500, description: 'An unexpected error; details are in the server log.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface ErrorDetail {
  /** Where: a field path, an argument name, or file:line path. */
  path?: string;
  message: string;
}

export class RampartError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'RampartError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details;
  }
}

export function isRampartError(error: unknown): error is RampartError {
  return error instanceof RampartError;
}

export const notFound = (what: string): RampartError =>
  new RampartError('RAMPART_NOT_FOUND', `${what} not found`);
