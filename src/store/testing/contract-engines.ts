import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreEngine } from '../ports.js';
import { parsePostgresUrl } from '../postgres/postgres-url.js';

/** The machine's PostgreSQL, as CI provides it; override with RAMPART_TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL = process.env.RAMPART_TEST_POSTGRES_URL ?? 'postgres://127.0.0.1:5432/test';

/** A fresh, empty place for one engine: a temp folder for SQLite, a random schema for PostgreSQL. */
export interface EngineTarget {
  url: string;
  cwd: string;
  /** Removes everything the run created (the temp folder; DROP SCHEMA … CASCADE). */
  drop(): Promise<void>;
}

export interface ContractEngine {
  name: StoreEngine;
  create(): Promise<EngineTarget>;
}

export const sqliteEngine: ContractEngine = {
  name: 'sqlite',
  create() {
    const cwd = mkdtempSync(join(tmpdir(), 'rampart-store-'));
    return Promise.resolve({
      url: 'sqlite:contract.db',
      cwd,
      drop: () => Promise.resolve(rmSync(cwd, { recursive: true, force: true })),
    });
  },
};

export function postgresEngine(prefix = 'rampart_test'): ContractEngine {
  return {
    name: 'postgres',
    create() {
      const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
      const url = new URL(TEST_POSTGRES_URL);
      url.searchParams.set('schema', schema);
      return Promise.resolve({
        url: url.toString(),
        cwd: tmpdir(),
        drop: () => dropPostgresSchema(schema),
      });
    },
  };
}

async function dropPostgresSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: parsePostgresUrl(TEST_POSTGRES_URL).connectionString });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** True when the test PostgreSQL answers within a couple of seconds. */
export async function postgresReachable(): Promise<boolean> {
  const { connectionString } = parsePostgresUrl(TEST_POSTGRES_URL);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The engines the contract runs on. PostgreSQL is left out only on a developer machine where it is down;
 * under CI=true it always runs, so an unreachable server fails the suite instead of skipping it.
 */
export async function contractEngines(): Promise<ContractEngine[]> {
  if (process.env.CI === 'true' || (await postgresReachable())) return [sqliteEngine, postgresEngine()];
  console.warn(
    `PostgreSQL at ${TEST_POSTGRES_URL} is unreachable and CI is not set: store contract runs on SQLite only`,
  );
  return [sqliteEngine];
}
