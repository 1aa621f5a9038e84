import type { Queryable } from '@lab/service-kit';

/** The part of a pg.Pool a transaction needs: a dedicated connection, released afterwards. */
export interface ConnectionPool {
  connect(): Promise<Queryable & { release(err?: Error | boolean): void }>;
}

/** Runs `fn` inside BEGIN/COMMIT on one connection; rolls back and rethrows when it throws. */
export async function withTransaction<T>(pool: ConnectionPool, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    // A failed ROLLBACK means the connection is unusable: hand it back as broken so the pool drops it.
    const rollbackError = await client.query('ROLLBACK').then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    client.release(rollbackError ?? false);
    throw err;
  }
}
