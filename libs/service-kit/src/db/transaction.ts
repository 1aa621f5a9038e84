import type pg from 'pg';
import type { Queryable } from './types';

/** A connection checked out of a pool: pg.PoolClient fits. */
export interface PooledConnection extends Queryable {
  /** Back to the pool; an error (or true) destroys the connection instead. */
  release(destroy?: Error | boolean): void;
}

/** What a transaction needs from a pool: a connection of its own. pg.Pool fits. */
export interface ConnectionPool<C extends PooledConnection = PooledConnection> {
  connect(): Promise<C>;
}

/**
 * Runs `fn` inside BEGIN ... COMMIT on one connection of `pool` and returns what it returns. When
 * `fn` (or the COMMIT) throws, the transaction is rolled back and that error is rethrown; a failing
 * ROLLBACK never replaces it, but the connection is then destroyed rather than handed back to the
 * pool in an unknown state. The connection is released in every case.
 *
 * Everything the transaction does must go through `client`, never through the pool: a second
 * connection used inside the transaction may wait for this one (on a row lock on a real server,
 * for everything on the embedded one, which runs one transaction at a time), and this one never
 * finishes.
 */
export async function withTransaction<T, C extends PooledConnection = pg.PoolClient>(
  pool: ConnectionPool<C>,
  fn: (client: C) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let unusable: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      unusable = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(unusable);
  }
}
