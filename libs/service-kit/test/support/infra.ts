// Stand-in for @lab/testing's createTestDatabase/describeWithInfra until that lib lands.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const serverUrl = process.env.TEST_POSTGRES_URL;

export function describeWithPostgres(name: string, fn: () => void): void {
  if (serverUrl) return describe(name, fn);
  if (process.env.REQUIRE_INFRA === '1') throw new Error(`${name}: TEST_POSTGRES_URL is not set`);
  console.warn(`skipping "${name}": TEST_POSTGRES_URL is not set`);
  describe.skip(name, fn);
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `service_kit_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl as string);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
