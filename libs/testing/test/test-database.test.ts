import { Client } from 'pg';
import { startEmbeddedPostgres } from '@lab/embedded-postgres';
import { createTestDatabase, describeWithInfra, infra } from '../src';

async function query<R extends object>(url: string, sql: string): Promise<R[]> {
  const client = new Client(url);
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describeWithInfra(['postgres'], 'createTestDatabase', () => {
  it('gives each caller an empty database of its own', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.url).not.toBe(b.url);
      await query(a.url, 'CREATE TABLE only_in_a (id int)');
      await expect(query(a.url, "SELECT to_regclass('only_in_a')::text AS t")).resolves.toEqual([{ t: 'only_in_a' }]);
      await expect(query(b.url, "SELECT to_regclass('only_in_a')::text AS t")).resolves.toEqual([{ t: null }]);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('drop() cuts off connections left open and removes the database', async () => {
    const db = await createTestDatabase();
    const leftOpen = new Client(db.url);
    leftOpen.on('error', () => undefined);
    await leftOpen.connect();
    await db.drop();
    await expect(leftOpen.query('SELECT 1')).rejects.toThrow();
    await expect(query(db.url, 'SELECT 1')).rejects.toThrow();
  });

  describe('on an embedded PGlite server, where CREATE DATABASE does not separate anything', () => {
    const saved = { url: process.env.TEST_POSTGRES_URL, infra: process.env.TEST_INFRA };
    let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
    beforeAll(async () => {
      embedded = await startEmbeddedPostgres();
      process.env.TEST_POSTGRES_URL = embedded.url;
      process.env.TEST_INFRA = JSON.stringify({ postgres: { available: true, source: 'embedded' } });
    });
    afterAll(async () => {
      process.env.TEST_POSTGRES_URL = saved.url;
      process.env.TEST_INFRA = saved.infra;
      await embedded.close();
    });

    it('starts a fresh embedded server per call instead', async () => {
      expect(infra('postgres').url).toBe(embedded.url);
      const db = await createTestDatabase();
      try {
        expect(new URL(db.url).port).not.toBe(String(embedded.port));
        await query(db.url, 'CREATE TABLE isolated (id int)');
        await expect(query(embedded.url, "SELECT to_regclass('isolated')::text AS t")).resolves.toEqual([{ t: null }]);
      } finally {
        await db.drop();
      }
      await expect(query(db.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    });
  });
});
