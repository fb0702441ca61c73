import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from '../../shared/duration.js';

/**
 * Building blocks shared by every section. Each one fails with a message that says what was expected, because
 * that text ends up verbatim after "expected" in `file:line path: expected …, got …`.
 */

/** A lowercase id used on the CLI and in cross-references: "guest-api", "per-ip", "brute-force". */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'a lowercase id of a-z, 0-9 and "-"' })
  .max(64, { message: 'an id of at most 64 characters' })
  .meta({ id: 'PlaybookId', description: 'A lowercase id (a-z, 0-9, "-") naming something other sections refer to.' });

/** A name that may carry case and dots (severity levels such as "SEV-1" or "P0", step ids). */
export const labelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'a name of letters, digits, "-", "_" or "."' })
  .max(64, { message: 'a name of at most 64 characters' })
  .meta({ id: 'PlaybookLabel' });

export const textSchema = z.string().min(1, { message: 'a non-empty text' });

const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/;

/** "90s", "15m", "1h30m" in YAML; milliseconds once parsed. */
export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, { message: 'a duration such as 90s, 15m, 1h or 1h30m' })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a positive duration such as 90s, 15m, 1h' });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ id: 'PlaybookDuration', description: 'A duration: 90s, 15m, 1h, 48h, 2d or compound 1h30m (parsed to milliseconds).' });

/** Environment variable names: secrets never sit in a playbook, only the name of where to find them. */
export const envNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, { message: 'an environment variable name such as SLACK_WEBHOOK_URL' });

export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash === -1) return true;
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

export const cidrSchema = z
  .string()
  .refine(isCidr, { message: 'an IPv4 or IPv6 address or CIDR such as 10.0.0.0/8 or ::1/128' })
  .meta({ description: 'An IPv4/IPv6 address or CIDR block.' });

export function compilesAsRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

export const regexSchema = z
  .string()
  .refine(compilesAsRegex, { message: 'a JavaScript regular expression that compiles' });

export const httpUrlSchema = z
  .string()
  .refine(isHttpUrl, { message: 'an http:// or https:// URL' })
  .meta({ description: 'An absolute http(s) URL.' });

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A calendar date, YYYY-MM-DD; kept as that string (YAML 1.2 reads unquoted dates as strings). */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date YYYY-MM-DD' })
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), {
    message: 'a real calendar date YYYY-MM-DD',
  });

export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a time of day HH:MM' });

export const positiveIntSchema = z.number().int({ message: 'a whole number' }).positive({ message: 'a number > 0' });

/**
 * HTTP status matchers: 404, "5xx", ">=500", "400-499" or a list of these; parsed to inclusive ranges so the
 * detector compares numbers only.
 */
export interface StatusRange {
  from: number;
  to: number;
}

const STATUS_TEXT = /^(?:[1-5]xx|[<>]=?\d{3}|\d{3}-\d{3}|\d{3})$/;

export function parseStatusMatcher(value: number | string): StatusRange | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 100 && value <= 599 ? { from: value, to: value } : undefined;
  const text = value.trim();
  if (!STATUS_TEXT.test(text)) return undefined;
  let range: StatusRange;
  if (text.endsWith('xx')) {
    const hundred = Number(text[0]) * 100;
    range = { from: hundred, to: hundred + 99 };
  } else if (text.startsWith('>=')) range = { from: Number(text.slice(2)), to: 599 };
  else if (text.startsWith('>')) range = { from: Number(text.slice(1)) + 1, to: 599 };
  else if (text.startsWith('<=')) range = { from: 100, to: Number(text.slice(2)) };
  else if (text.startsWith('<')) range = { from: 100, to: Number(text.slice(1)) - 1 };
  else if (text.includes('-')) {
    const [from, to] = text.split('-').map(Number);
    range = { from: from ?? 0, to: to ?? 0 };
  } else range = { from: Number(text), to: Number(text) };
  return range.from >= 100 && range.to <= 599 && range.from <= range.to ? range : undefined;
}

const statusItemSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const range = parseStatusMatcher(value);
  if (!range) {
    ctx.addIssue({ code: 'custom', message: 'an HTTP status (404), a class ("5xx"), a bound (">=500") or a range ("400-499")' });
    return z.NEVER;
  }
  return range;
});

/** One matcher or a list of them; always a list of ranges once parsed. */
export const statusMatcherSchema = z
  .union([statusItemSchema, z.array(statusItemSchema).min(1)])
  .transform((value): StatusRange[] => (Array.isArray(value) ? value : [value]))
  .meta({ id: 'PlaybookStatus', description: 'HTTP status: 404, "5xx", ">=500", "400-499", or a list of these.' });

/** A string or a list of strings, always a list once parsed. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);
}
