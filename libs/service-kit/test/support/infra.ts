// Stand-in for @lab/testing's createTestDatabase/describeWithInfra until that lib lands.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const serverUrl = process.env.TEST_POSTGRES_URL;
const urls = { postgres: serverUrl, consul: process.env.TEST_CONSUL_URL };

/** describe, or describe.skip with a printed reason when a server is not configured. */
export function describeWithInfra(kinds: (keyof typeof urls)[], name: string, fn: () => void): void {
  const missing = kinds.filter((kind) => !urls[kind]).map((kind) => `TEST_${kind.toUpperCase()}_URL`);
  if (missing.length === 0) return describe(name, fn);
  if (process.env.REQUIRE_INFRA === '1') throw new Error(`${name}: ${missing.join(', ')} not set`);
  console.warn(`skipping "${name}": ${missing.join(', ')} not set`);
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
