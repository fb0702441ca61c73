import { incidentRef, parseIncidentRef } from '../../domain/incident.js';
import { notFound } from '../../shared/errors.js';

/** Both engines keep JSON as text, so rows read back identically; these are the only two conversions. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text) as T;
}

export { incidentRef };

/** The incident's row key for a write; an id that cannot name an incident is a not-found, not a DB error. */
export function requireIncidentSeq(incidentId: string): number {
  const seq = parseIncidentRef(incidentId);
  if (seq === undefined) throw notFound(`incident ${incidentId}`);
  return seq;
}

/** Default and ceiling for list queries, so no call can pull an unbounded result into memory. */
export const DEFAULT_LIST_LIMIT = 1000;
export const MAX_LIST_LIMIT = 10_000;

export function listLimit(limit: number | undefined, fallback = DEFAULT_LIST_LIMIT): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(limit)));
}
