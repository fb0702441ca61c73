import { MITIGATION_KINDS, type Mitigation } from '../../domain/mitigation.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

/**
 * Reads a mitigation from Redis (the hash or a change message). Redis is shared, so its content is input like
 * any other: anything not shaped like a Mitigation is refused here (targets and data are checked again by
 * MemoryState.apply).
 */
export function decodeMitigation(value: unknown): Mitigation | null {
  if (!isObject(value)) return null;
  const { id, service, kind, target, reason, author, incidentId, createdAt, expiresAt, liftedAt, liftedBy, data } = value;
  if (typeof id !== 'string' || id === '' || typeof service !== 'string' || typeof target !== 'string'
    || typeof reason !== 'string' || typeof author !== 'string' || typeof createdAt !== 'string'
    || !MITIGATION_KINDS.includes(kind as Mitigation['kind']) || !isObject(data)
    || ![incidentId, expiresAt, liftedAt, liftedBy].every(stringOrNull)) {
    return null;
  }
  return value as unknown as Mitigation;
}

export function parseMitigation(json: string): Mitigation | null {
  try {
    return decodeMitigation(JSON.parse(json));
  } catch {
    return null;
  }
}

/** When a mitigation stops being in force (ms): lifted or expired, whichever is first; Infinity if never. */
export function endOf(m: Mitigation): number {
  const lifted = m.liftedAt === null ? Infinity : Date.parse(m.liftedAt);
  const expires = m.expiresAt === null ? Infinity : Date.parse(m.expiresAt);
  const end = Math.min(lifted, expires);
  return Number.isNaN(end) ? Infinity : end;
}
