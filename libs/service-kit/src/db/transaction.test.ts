import { createTestDatabase, describeWithInfra, waitFor, type TestDatabase } from '@lab/testing';
import type pg from 'pg';
import pino from 'pino';
import { createPool } from './pool';
import type { PooledConnection } from './transaction';
import { withTransaction } from './transaction';

/** A connection that records its statements and fails the ones it is told to fail. */
function scriptedConnection(failing: Record<string, Error> = {}) {
  const statements: string[] = [];
  const released: unknown[] = [];
  const client: PooledConnection = {
    async query(sql: string) {
      statements.push(sql);
      if (failing[sql]) throw failing[sql];
      return { rows: [], rowCount: 0 };
    },
    release(destroy) {
      released.push(destroy);
    },
  };
  return { pool: { connect: async () => client }, statements, released };
}

describe('withTransaction (statements on one connection)', () => {
  it('commits and hands the connection back when fn succeeds', async () => {
    const { pool, statements, released } = scriptedConnection();
    await expect(
      withTransaction(pool, async (client) => (await client.query('UPDATE t SET x = 1')).rowCount),
    ).resolves.toBe(0);
    expect(statements).toEqual(['BEGIN', 'UPDATE t SET x = 1', 'COMMIT']);
    expect(released).toEqual([undefined]);
  });

  it('rolls back and rethrows what fn threw, handing the connection back', async () => {
    const { pool, statements, released } = scriptedConnection();
    const failure = new Error('out of stock');
    await expect(withTransaction(pool, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(statements).toEqual(['BEGIN', 'ROLLBACK']);
    expect(released).toEqual([undefined]);
  });

  it('rolls back when COMMIT fails, rethrowing the COMMIT error', async () => {
    const commitFailure = new Error('could not serialize access');
    const { pool, statements } = scriptedConnection({ COMMIT: commitFailure });
    await expect(withTransaction(pool, async () => 'done')).rejects.toBe(commitFailure);
    expect(statements).toEqual(['BEGIN', 'COMMIT', 'ROLLBACK']);
  });

  it('never lets a failing ROLLBACK mask the original error, and destroys that connection', async () => {
    const rollbackFailure = new Error('connection terminated');
    const { pool, released } = scriptedConnection({ ROLLBACK: rollbackFailure });
    const failure = new Error('constraint violated');
    await expect(withTransaction(pool, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(released).toEqual([rollbackFailure]);
  });

  it('rethrows a failed BEGIN without running fn', async () => {
    const beginFailure = new Error('too many connections');
    const { pool, released } = scriptedConnection({ BEGIN: beginFailure });
    const fn = jest.fn();
    await expect(withTransaction(pool, fn)).rejects.toBe(beginFailure);
    expect(fn).not.toHaveBeenCalled();
    expect(released).toHaveLength(1);
  });

  it('releases nothing when no connection could be had', async () => {
    const unreachable = new Error('connect ECONNREFUSED');
    await expect(withTransaction({ connect: () => Promise.reject(unreachable) }, async () => 1)).rejects.toBe(
      unreachable,
    );
  });
});

describeWithInfra(['postgres'], 'withTransaction on a real server', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    // The services' pool. pool.end() resolves before its connections have closed, so drop() may end
    // one still open; a bare pg.Pool would throw that error as an unhandled 'error' event.
    pool = createPool({ connectionString: database.url, max: 3, statementTimeoutMs: 0 }, pino({ level: 'silent' }));
    await pool.query('CREATE TABLE stock (sku text PRIMARY KEY, quantity int NOT NULL CHECK (quantity >= 0))');
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });
  beforeEach(async () => {
    await pool.query("TRUNCATE stock; INSERT INTO stock VALUES ('a', 5), ('b', 5)");
  });

  const quantities = async (): Promise<Record<string, number>> => {
    const { rows } = await pool.query<{ sku: string; quantity: number }>(
      'SELECT sku, quantity FROM stock ORDER BY sku',
    );
    return Object.fromEntries(rows.map((r) => [r.sku, r.quantity]));
  };
  const move = (client: pg.PoolClient, from: string, to: string, n: number) =>
    Promise.all([
      client.query('UPDATE stock SET quantity = quantity - $2 WHERE sku = $1', [from, n]),
      client.query('UPDATE stock SET quantity = quantity + $2 WHERE sku = $1', [to, n]),
    ]);

  it('makes every change of fn visible at once on commit', async () => {
    await withTransaction(pool, (client) => move(client, 'a', 'b', 2));
    expect(await quantities()).toEqual({ a: 3, b: 7 });
  });

  it('undoes every change when a later statement fails, and reports the database error', async () => {
    await expect(withTransaction(pool, (client) => move(client, 'a', 'b', 6))).rejects.toMatchObject({ code: '23514' });
    expect(await quantities()).toEqual({ a: 5, b: 5 });
  });

  it('hands the connection back in either case: the pool never runs dry', async () => {
    for (let i = 0; i < 10; i++) {
      await withTransaction(pool, (client) => move(client, 'a', 'b', 100)).catch(() => undefined);
    }
    await withTransaction(pool, (client) => move(client, 'b', 'a', 1));
    expect(pool.totalCount).toBeLessThanOrEqual(3);
    expect(pool.waitingCount).toBe(0);
    expect(await quantities()).toEqual({ a: 6, b: 4 });
  });

  it('fails alone, undone, when the server ends its connection midway; the pool carries on', async () => {
    let ended: number | undefined;
    const transaction = withTransaction(pool, async (client) => {
      await client.query("UPDATE stock SET quantity = 0 WHERE sku = 'a'");
      ended = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      // As a failover or an administrator would, while fn waits between two statements.
      await pool.query('SELECT pg_terminate_backend($1)', [ended]);
      await waitFor(
        async () => (await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [ended])).rowCount === 0,
        { description: 'the ended session to be gone' },
      );
      await client.query("UPDATE stock SET quantity = 0 WHERE sku = 'b'");
    });
    await expect(transaction).rejects.toThrow();
    expect(await quantities()).toEqual({ a: 5, b: 5 });
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(rows[0].pid).not.toBe(ended);
  });
});
