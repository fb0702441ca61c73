import { RampartError } from '../../../shared/errors.js';
import { getPath, parseJsonObject, repeatedKey } from './json-line.js';
import { EVENT_FIELD_NAMES, eventFromNamed, isEventFieldName } from './named-fields.js';
import type { EventFieldName } from './named-fields.js';
import { fail, precheck } from './normalize.js';
import type { LineParser, ParseContext, ParseResult } from './types.js';
import type { WallClock } from './zone.js';

/** Where each event property is looked for when the mapping does not say. */
const DEFAULT_PATHS: Record<EventFieldName, readonly string[]> = {
  time: ['time', 'ts', 'timestamp', '@timestamp'],
  ip: ['ip', 'remote_addr', 'client_ip'],
  method: ['method'],
  path: ['path', 'uri', 'url'],
  status: ['status'],
  bytes: ['bytes'],
  duration_ms: ['duration_ms', 'duration'],
  token: ['token'],
  tenant: ['tenant', 'tenant_id'],
  event: ['event', 'event_id'],
  subject: ['subject', 'user_id'],
  route: ['route'],
  host: ['host'],
  user_agent: ['user_agent'],
  message: ['message', 'msg'],
  level: ['level'],
};

interface CompiledMapping {
  paths: Record<EventFieldName, readonly string[]>;
  /** Mapped names that are not event properties: field name → path. */
  extra: [string, string][];
}

function compile(mapping: Record<string, string> | undefined): CompiledMapping {
  const paths = { ...DEFAULT_PATHS };
  const extra: [string, string][] = [];
  for (const [name, path] of Object.entries(mapping ?? {})) {
    if (typeof path !== 'string' || path === '' || path.length > 200) {
      throw new RampartError('RAMPART_CONFIG', `jsonl field "${name}" needs a JSON path`);
    }
    if (isEventFieldName(name)) paths[name] = [path];
    else extra.push([name, path]);
  }
  return { paths, extra };
}

/**
 * JSON lines with a field mapping (event property name → dotted JSON path). `duration_ms` is milliseconds.
 * Mapped names that are not event properties land in fields; a full token is hashed, never copied.
 */
export function jsonlParser(
  mapping?: Record<string, string>,
  maxLineLength?: number,
  clock?: WallClock,
): LineParser {
  const base = compile(mapping);
  let lastCtxMapping: Record<string, string> | undefined;
  let lastCompiled = base;
  return {
    format: 'jsonl',
    parse(line: string, ctx: ParseContext): ParseResult {
      const checked = precheck(line, maxLineLength);
      if ('reason' in checked) return fail(checked.reason);
      const json = parseJsonObject(checked.line);
      if (typeof json === 'string') return fail(json);
      let compiled = base;
      if (ctx.fields !== undefined && mapping === undefined) {
        // A per-call mapping is compiled once per distinct object, not per line.
        if (ctx.fields !== lastCtxMapping) {
          lastCompiled = compile(ctx.fields);
          lastCtxMapping = ctx.fields;
        }
        compiled = lastCompiled;
      }
      const values: Partial<Record<EventFieldName, unknown>> = {};
      for (const name of EVENT_FIELD_NAMES) {
        for (const path of compiled.paths[name]) {
          const value = getPath(json, path);
          if (value !== undefined && value !== null) {
            // The client address only from a key the record holds once (see repeatedKey), and a dotted path
            // only when no literal key of that name competes with the nested one.
            if (name !== 'ip' || !ambiguous(json, checked.line, path)) values[name] = value;
            break;
          }
        }
      }
      const extra: Record<string, unknown> = {};
      for (const [name, path] of compiled.extra) extra[name] = getPath(json, path);
      return eventFromNamed(values, extra, ctx, clock);
    },
  };
}

function ambiguous(json: Record<string, unknown>, line: string, path: string): boolean {
  if (repeatedKey(line, path)) return true;
  if (!path.includes('.') || !Object.hasOwn(json, path)) return false;
  let current: unknown = json;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}
