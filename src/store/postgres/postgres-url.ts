import { userInfo } from 'node:os';
import { RampartError } from '../../shared/errors.js';

/** A PostgreSQL identifier we create and put in search_path; kept plain so it never needs quoting rules. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresTarget {
  /** The URL for `pg`, without Rampart's own `schema` parameter. */
  connectionString: string;
  /** The schema to create and use, or undefined for the server's default search_path. */
  schema: string | undefined;
}

/** Splits Rampart's `schema=NAME` query parameter off a postgres:// URL. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RampartError('RAMPART_CONFIG', `DATABASE_URL is not a valid URL: ${redactUrl(url)}`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  // libpq (psql) falls back to PGUSER and then the OS user when the URL names none; node-pg reads only
  // $USER, which services and containers often lack. Do what psql does so the same URL works for both.
  if (parsed.username === '') parsed.username = encodeURIComponent(defaultUser());
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RampartError(
      'RAMPART_CONFIG',
      'DATABASE_URL schema= must be lower-case letters, digits and underscores, starting with a letter or _',
      [{ path: 'DATABASE_URL', message: `invalid schema name "${schema.slice(0, 80)}"` }],
    );
  }
  return { connectionString: parsed.toString(), schema };
}

/** The URL with its password replaced, for messages; a URL that does not parse shows only its scheme. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    return scheme === undefined ? '(unparsable URL)' : `${scheme}…`;
  }
}

function defaultUser(): string {
  const fromEnv = process.env.PGUSER ?? process.env.USER;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}
