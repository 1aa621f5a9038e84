import type { EmbeddedPostgres } from '@lab/embedded-postgres';
import { startEmbeddedPostgres } from '@lab/embedded-postgres';
import pg from 'pg';
import pino from 'pino';
import { runMigrations } from './migrations';
import type { Migration } from './types';

// On the embedded server every connection shares one session, so the advisory lock that keeps
// replicas apart on a real server excludes no one (test/database.test.ts covers real servers).
describe('runMigrations on the embedded server', () => {
  let server: EmbeddedPostgres;
  beforeAll(async () => {
    server = await startEmbeddedPostgres();
  });
  afterAll(() => server.close());

  it('applies each migration once when two replicas migrate at the same time', async () => {
    const runs: string[] = [];
    const migrations: Migration[] = ['001-items', '002-items-price', '003-items-index'].map((name, i) => ({
      name,
      async up(db) {
        runs.push(name);
        await db.query(
          [
            'CREATE TABLE items (id int PRIMARY KEY)',
            'ALTER TABLE items ADD COLUMN price int NOT NULL DEFAULT 0',
            'CREATE INDEX items_price ON items (price)',
          ][i],
        );
      },
    }));
    const pools = [new pg.Pool({ connectionString: server.url }), new pg.Pool({ connectionString: server.url })];
    const log = pino({ level: 'silent' });
    try {
      const applied = await Promise.all(
        pools.map((pool) => runMigrations(pool, { serviceName: 'items-service', migrations, log })),
      );
      expect(runs).toEqual(['001-items', '002-items-price', '003-items-index']);
      // Between them the two replicas applied everything, and no migration twice.
      expect([...applied[0], ...applied[1]].sort()).toEqual(['001-items', '002-items-price', '003-items-index']);
      const { rows } = await pools[0].query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(['001-items', '002-items-price', '003-items-index']);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
