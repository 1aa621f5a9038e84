import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@lab/embedded-postgres';
import { infra } from './infra';

export interface TestDatabase {
  /** Connection URL of a fresh, empty database. */
  url: string;
  /** Drops the database (or stops its embedded server), cutting off any connection still open. */
  drop(): Promise<void>;
}

export class InfraUnavailableError extends Error {
  readonly code = 'INFRA_UNAVAILABLE';
}

// Per server URL: does CREATE DATABASE give a separate database? PGlite accepts the statement but
// every connection still lands in its single database, so there each call gets a server of its own.
const separateDatabases = new Map<string, Promise<boolean>>();

/**
 * A fresh database on the resolved Postgres server (CREATE DATABASE test_<random>), so test files
 * running in parallel never see each other's tables.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = infra('postgres');
  if (!server.available || !server.url) {
    throw new InfraUnavailableError(`createTestDatabase needs Postgres: ${server.reason}`);
  }
  const serverUrl = server.url;
  if (!separateDatabases.has(serverUrl)) separateDatabases.set(serverUrl, supportsSeparateDatabases(serverUrl));
  if (!(await separateDatabases.get(serverUrl))) return embeddedDatabase();

  const name = `test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  return { url: databaseUrl(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

async function supportsSeparateDatabases(serverUrl: string): Promise<boolean> {
  const name = `test_probe_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  try {
    const { rows } = await withClient(databaseUrl(serverUrl, name), (c) =>
      c.query<{ name: string }>('SELECT current_database() AS name'),
    );
    return rows[0].name === name;
  } finally {
    await dropDatabase(serverUrl, name);
  }
}

async function embeddedDatabase(): Promise<TestDatabase> {
  const db = await startEmbeddedPostgres({ port: 0 });
  return { url: db.url, drop: db.close };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, async (admin) => {
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}

/** The server URL with its database (the URL path) replaced. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
