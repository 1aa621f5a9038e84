import type { Queryable } from '@lab/service-kit';
import type { BaseConfig } from '@lab/service-kit';
import type { ProductConfig } from './config';
import { createPostgresPolicy, guardedQueries } from './postgres-policy';

const config = (extra: Partial<BaseConfig & ProductConfig> = {}) =>
  ({ DATABASE_POOL_MAX: 4, DATABASE_STATEMENT_TIMEOUT_MS: 10_000, ...extra }) as BaseConfig & ProductConfig;

/** A connection whose first query fails as a dropped connection would, then answers. */
function flakyDb(): Queryable & { calls: number } {
  const db = {
    calls: 0,
    query() {
      db.calls++;
      if (db.calls === 1)
        return Promise.reject(Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' }));
      return Promise.resolve({ rows: [{ ok: true }], rowCount: 1 });
    },
  };
  return db as Queryable & { calls: number };
}

/** A connection whose queries never answer, like one blocked on a lock. */
const stuckDb: Queryable = { query: () => new Promise(() => undefined) };

describe('createPostgresPolicy', () => {
  it('admits pool-size calls plus twice as many queued by default, and refuses the rest at once', async () => {
    const policy = createPostgresPolicy(config({ DATABASE_STATEMENT_TIMEOUT_MS: 200 }));
    const reads = guardedQueries(stuckDb, policy, 'read');
    const outcomes = Array.from({ length: 13 }, () =>
      reads.query('SELECT 1').catch((err: { code?: string }) => err.code),
    );
    await expect(Promise.race(outcomes)).resolves.toBe('BULKHEAD_FULL');
    expect(policy.snapshot().bulkhead).toMatchObject({ active: 4, queued: 8, rejected: 1 });
    // The admitted calls end at the deadline; none is left waiting.
    const codes = await Promise.all(outcomes);
    expect(codes.filter((code) => code === 'TIMEOUT')).toHaveLength(12);
    policy.shutdown();
  });

  it('takes the sizes from DB_BULKHEAD_MAX_CONCURRENT and DB_BULKHEAD_QUEUE when set', async () => {
    const policy = createPostgresPolicy(
      config({ DB_BULKHEAD_MAX_CONCURRENT: 1, DB_BULKHEAD_QUEUE: 0, DATABASE_STATEMENT_TIMEOUT_MS: 50 }),
    );
    const reads = guardedQueries(stuckDb, policy, 'read');
    const running = reads.query('SELECT 1');
    await expect(reads.query('SELECT 1')).rejects.toMatchObject({
      code: 'BULKHEAD_FULL',
      maxConcurrent: 1,
      maxQueue: 0,
    });
    await expect(running).rejects.toMatchObject({ code: 'TIMEOUT' });
    policy.shutdown();
  });

  it('gives up a little before the statement timeout, with TIMEOUT', async () => {
    const policy = createPostgresPolicy(config({ DATABASE_STATEMENT_TIMEOUT_MS: 100 }));
    const started = Date.now();
    await expect(guardedQueries(stuckDb, policy, 'write').query('UPDATE x')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(100);
    policy.shutdown();
  });

  it('repeats a read once after a dropped connection, but never a write', async () => {
    const policy = createPostgresPolicy(config());
    const readDb = flakyDb();
    await expect(guardedQueries(readDb, policy, 'read').query('SELECT 1')).resolves.toMatchObject({ rowCount: 1 });
    expect(readDb.calls).toBe(2);

    const writeDb = flakyDb();
    await expect(guardedQueries(writeDb, policy, 'write').query('INSERT 1')).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(writeDb.calls).toBe(1);
    policy.shutdown();
  });

  it('keeps its breaker closed however many queries fail: a slow database sheds, it does not trip', async () => {
    const policy = createPostgresPolicy(config({ DATABASE_STATEMENT_TIMEOUT_MS: 20 }));
    const writes = guardedQueries(stuckDb, policy, 'write');
    for (let i = 0; i < 10; i++) await expect(writes.query('UPDATE x')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(policy.state()).toBe('closed');
    policy.shutdown();
  });
});
